// AIModel provider credentials on a real control plane: a model whose Secret is missing is not Ready
// with CredentialsNotFound (its children are made all the same) and turns Ready once a marked Secret with
// the key is created, seen by the controller's rereading of the Secret, not by a watch; a model naming an
// unmarked Secret is refused with a Warning Event. A route choosing among such models reports the ones
// that do not exist, and its gateway pods mount only the marked Secret's named key.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { DEPLOYMENTS, SECRETS, SERVICES } from '../../shared/kube/well-known-resources.ts';
import type { Deployment, Service } from '../../controller/children/kube-objects.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { eventsAbout } from './support/events.ts';
import { deleteNamespace, getObject, prepareTestNamespace } from './support/operator-cluster.ts';

// The controller reads a model's Secret again a minute after the last look; each wait allows for that.
jest.setTimeout(240_000);

const PROVIDER_KEY = 'sk-e2e-provider-key';

let api: HTTPKubeAPI;
let namespace: string;
let controller: ControllerProcess;

function externalModel(name: string, secret: string): AIModelV1 {
  return {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { namespace, name },
    spec: {
      modelName: `${name}-model`,
      modelProvider: 'OpenAI',
      modelType: 'LLM',
      endpoint: `https://${name}.example.com/v1`,
      credentials: { secretKeyRef: { name: secret, key: 'api-key' } },
    },
  };
}

function providerSecret(name: string, type: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace, name },
    type,
    stringData: { 'api-key': PROVIDER_KEY, other: 'not-for-the-gateway' },
  } as KubeObject;
}

type Ready = { status: string; reason: string; message: string };

async function modelReady(name: string, matches: (ready: Ready) => boolean, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const model = await getObject<AIModelV1>(api, AI_MODELS, { namespace, name });
      const ready = model?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready && matches(ready) ? ready : undefined;
    },
    { description: `AIModel ${name}'s Ready condition`, timeoutMs, intervalMs: 250 },
  );
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-credentials'));
  controller = await ControllerProcess.start({
    name: 'provider-credentials',
    args: [`--namespaces=${namespace}`, '--leader-elect=false', '--gateway-resolver=10.0.0.10'],
  });
});

afterAll(async () => {
  expect(await controller?.stop()).toBe(0);
  await deleteNamespace(api, namespace);
});

describe('provider credentials on a real control plane', () => {
  it('reports a missing Secret, makes the children all the same, and turns Ready once it is created', async () => {
    await api.create(AI_MODELS, externalModel('gpt', 'openai'));
    const missing = await modelReady('gpt', (r) => r.reason === 'CredentialsNotFound');
    expect(missing).toMatchObject({
      status: 'False',
      message: `Secret openai not found in namespace ${namespace}; gateways answer requests for the model 503 until it exists with the key api-key`,
    });
    const service = await getObject<Service>(api, SERVICES, { namespace, name: 'aim-gpt' });
    expect(service?.spec.type).toBe('ExternalName');

    // Nothing about the model changes: only the controller's next read of the Secret can see it.
    await api.create(SECRETS, providerSecret('openai', 'ai.example.com/provider-credentials'));
    const ready = await modelReady('gpt', (r) => r.status === 'True', 90_000);
    expect(ready.reason).toBe('ExternalEndpoint');
  });

  it('refuses an unmarked Secret with a Warning Event that names it and no value', async () => {
    await api.create(SECRETS, providerSecret('plain', 'Opaque'));
    await api.create(AI_MODELS, externalModel('claude', 'plain'));
    const refused = await modelReady('claude', (r) => r.reason === 'CredentialsRefused');
    expect(refused.status).toBe('False');
    expect(refused.message).toContain('Secret plain is not marked to hold provider credentials');
    const events = await waitFor(
      async () => {
        const found = await eventsAbout(api, namespace, 'AIModel', 'claude');
        return found.some((e) => e.reason === 'CredentialsRefused') ? found : undefined;
      },
      { description: 'the CredentialsRefused Event', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(events.find((e) => e.reason === 'CredentialsRefused')).toMatchObject({
      type: 'Warning',
      note: refused.message,
    });
    expect(JSON.stringify(events)).not.toContain(PROVIDER_KEY);
  });

  it('reports the models of aiModelRouting that do not exist, and mounts only marked Secrets', async () => {
    const route: APIGatewayRouteV1 = {
      apiVersion: 'gateway.example.com/v1',
      kind: 'APIGatewayRoute',
      metadata: { namespace, name: 'chat' },
      spec: {
        path: '/openai',
        method: 'POST',
        aiModelRouting: { models: [{ name: 'gpt' }, { name: 'claude' }, { name: 'mistral' }] },
      },
    };
    await api.create(API_GATEWAY_ROUTES, route);
    const pending = await waitFor(
      async () => {
        const read = await getObject<APIGatewayRouteV1>(api, API_GATEWAY_ROUTES, { namespace, name: 'chat' });
        const ready = read?.status?.conditions?.find((c) => c.type === 'Ready');
        return ready?.reason === 'BackendNotFound' ? ready : undefined;
      },
      { description: "route chat's BackendNotFound", timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(pending.message).toBe(
      `AIModel mistral not found in namespace ${namespace}; requests for it are answered 404 until it exists`,
    );
    const deployment = await getObject<Deployment>(api, DEPLOYMENTS, { namespace, name: 'agw-default' });
    const volumes = deployment?.spec.template.spec.volumes ?? [];
    expect(volumes.flatMap((v) => (v.secret ? [v.secret] : []))).toEqual([
      {
        secretName: 'openai',
        optional: true,
        items: [{ key: 'api-key', path: 'api-key' }],
        defaultMode: 420,
      },
    ]);
    const [nginx] = deployment?.spec.template.spec.containers ?? [];
    expect(nginx?.volumeMounts).toContainEqual({
      name: 'credentials-0',
      mountPath: '/etc/gateway/credentials/openai',
      readOnly: true,
    });
    expect(nginx?.ports).toContainEqual({ name: 'metrics', containerPort: 9113, protocol: 'TCP' });
  });
});
