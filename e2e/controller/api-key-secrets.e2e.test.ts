// API-key Secrets must be marked for the purpose, on a real control plane: a route naming an unmarked
// Secret or a service-account token Secret is Ready=False with ApiKeySecretRefused and the Secret is not
// mounted into the gateway pods; a marked Secret's keys shorter than 16 characters are named in the
// route's status, never their values.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { DEPLOYMENTS, SECRETS } from '../../shared/kube/well-known-resources.ts';
import type { Deployment } from '../../controller/children/kube-objects.ts';
import { API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { serviceRoute } from './support/objects.ts';
import { deleteNamespace, getObject, prepareTestNamespace } from './support/operator-cluster.ts';

// Each step waits on a real control plane (status writes, the gateway Deployment).
jest.setTimeout(240_000);

const SHORT_KEY = 'short-key-15-ch';

let api: HTTPKubeAPI;
let namespace: string;
let controller: ControllerProcess;

function secret(name: string, fields: Partial<KubeObject> & { type?: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    ...fields,
    metadata: { namespace, name, ...fields.metadata },
    stringData: { 'team-a': 'a-key-long-enough-to-count', 'team-b': SHORT_KEY },
  } as KubeObject;
}

function keyRoute(name: string, secretName: string): APIGatewayRouteV1 {
  return serviceRoute(namespace, name, {
    authenticationRequired: true,
    apiKeySecretRef: { name: secretName },
  });
}

async function readyCondition(name: string, matches: (reason: string, message: string) => boolean) {
  return waitFor(
    async () => {
      const route = await getObject<APIGatewayRouteV1>(api, API_GATEWAY_ROUTES, { namespace, name });
      const ready = route?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready && matches(ready.reason, ready.message) ? ready : undefined;
    },
    { description: `route ${name}'s Ready condition`, timeoutMs: 90_000, intervalMs: 250 },
  );
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-api-keys'));
  controller = await ControllerProcess.start({
    name: 'api-key-secrets',
    args: [`--namespaces=${namespace}`, '--leader-elect=false', '--gateway-resolver=10.0.0.10'],
  });
});

afterAll(async () => {
  expect(await controller?.stop()).toBe(0);
  await deleteNamespace(api, namespace);
});

describe('API-key Secrets on a real control plane', () => {
  it('refuses an unmarked Secret and a service-account token Secret, and reports short keys', async () => {
    await api.create(SECRETS, secret('plain-keys', { type: 'Opaque' }));
    await api.create(
      SECRETS,
      secret('token-keys', {
        type: 'kubernetes.io/service-account-token',
        metadata: {
          annotations: { 'kubernetes.io/service-account.name': 'default' },
          labels: { 'gateway.example.com/api-key': 'true' },
        },
      }),
    );
    await api.create(SECRETS, secret('marked-keys', { type: 'gateway.example.com/api-key' }));
    await api.create(API_GATEWAY_ROUTES, keyRoute('plain', 'plain-keys'));
    await api.create(API_GATEWAY_ROUTES, keyRoute('token', 'token-keys'));
    await api.create(API_GATEWAY_ROUTES, keyRoute('marked', 'marked-keys'));

    const plain = await readyCondition('plain', (reason) => reason === 'ApiKeySecretRefused');
    expect(plain.status).toBe('False');
    expect(plain.message).toContain('Secret plain-keys is not marked to hold API keys');
    expect(plain.message).toContain('gateway.example.com/api-key="true"');
    const token = await readyCondition('token', (reason) => reason === 'ApiKeySecretRefused');
    expect(token.status).toBe('False');
    expect(token.message).toContain('Secret token-keys is a service-account token');

    const marked = await readyCondition('marked', (_, message) => message.includes('marked-keys'));
    expect(marked.message).toContain('Secret marked-keys: team-b ignored, shorter than 16 characters');
    expect(marked.message).not.toContain(SHORT_KEY);

    // Only the marked Secret reaches the gateway pods.
    const deployment = await getObject<Deployment>(api, DEPLOYMENTS, { namespace, name: 'agw-default' });
    const mounted = deployment?.spec?.template.spec?.volumes?.flatMap((v) =>
      v.secret ? [v.secret.secretName] : [],
    );
    expect(mounted).toEqual(['marked-keys']);
  });
});
