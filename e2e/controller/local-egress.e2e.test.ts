// The gateway renderer and the AIModel controller as the line behind admission for egress, on a real
// control plane without the webhook (as for objects stored before it refused local hosts): a route to a
// metadata name, a model at a loopback endpoint and a route to it are InvalidSpec, named in the webhook's
// words, and left out of the gateway, whose other route is served; a controller started with --allow-local-egress
// (security.allowLocalEgress) serves them.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { CONFIG_MAPS } from '../../shared/kube/well-known-resources.ts';
import type { ConfigMap } from '../../controller/children/kube-objects.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { kubectl, waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { servedModel, serviceRoute } from './support/objects.ts';
import { deleteNamespace, getObject, prepareTestNamespace } from './support/operator-cluster.ts';

jest.setTimeout(240_000);

let api: HTTPKubeAPI;
let namespace: string;
let controller: ControllerProcess | undefined;

const ALLOWED =
  'any other host is allowed, and these only with the chart value security.allowLocalEgress (--allow-local-egress of the webhook and the controller)';

const startController = (name: string, extra: string[] = []) =>
  ControllerProcess.start({
    name,
    args: [`--namespaces=${namespace}`, '--leader-elect=false', '--gateway-resolver=10.0.0.10', ...extra],
  });

async function readyCondition(name: string) {
  const route = await getObject<APIGatewayRouteV1>(api, API_GATEWAY_ROUTES, { namespace, name });
  return route?.status?.conditions?.find((c) => c.type === 'Ready');
}

const gatewayConfig = async () =>
  (await getObject<ConfigMap>(api, CONFIG_MAPS, { namespace, name: 'agw-default' }))?.data['nginx.conf'] ??
  '';

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-egress'));
  await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'orders'));
  await api.create(
    API_GATEWAY_ROUTES,
    serviceRoute(namespace, 'imds', { destinationService: 'metadata.google.internal', destinationPort: 80 }),
  );
  await api.create(
    AI_MODELS,
    servedModel(namespace, 'loop', {
      image: undefined,
      replicas: undefined,
      resources: undefined,
      port: undefined,
      endpoint: 'http://0x7f.1:8000/v1',
    }),
  );
  const toModel = serviceRoute(namespace, 'to-loop', { aiModelRef: { name: 'loop' } });
  delete toModel.spec.destinationService;
  delete toModel.spec.destinationPort;
  await api.create(API_GATEWAY_ROUTES, toModel);
});

afterAll(async () => {
  if (controller) expect(await controller.stop()).toBe(0);
  await deleteNamespace(api, namespace);
});

describe('routes to local hosts stored without the webhook', () => {
  it('are InvalidSpec in the words of the webhook and left out of the gateway, which serves the others', async () => {
    controller = await startController('local-egress-refused');
    await kubectl(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'agr/orders']);
    const imds = await waitFor(
      async () => {
        const c = await readyCondition('imds');
        return c?.reason === 'InvalidSpec' ? c : undefined;
      },
      { description: 'route imds to be InvalidSpec', timeoutMs: 90_000 },
    );
    expect(imds.message).toBe(
      `spec.destinationService: must not reach a loopback, link-local or cloud metadata host: the host "metadata.google.internal" is a cloud instance metadata service; ${ALLOWED}`,
    );
    const toLoop = await readyCondition('to-loop');
    expect(toLoop).toMatchObject({
      reason: 'InvalidSpec',
      message: `spec.aiModelRef: AIModel loop has endpoint "http://0x7f.1:8000/v1", whose host must not reach a loopback, link-local or cloud metadata host: the host "127.0.0.1" is a loopback address; ${ALLOWED}`,
    });
    const loop = await waitFor(
      async () => {
        const model = await getObject<AIModelV1>(api, AI_MODELS, { namespace, name: 'loop' });
        const c = model?.status?.conditions?.find((condition) => condition.type === 'Ready');
        return c?.reason === 'InvalidSpec' ? c : undefined;
      },
      { description: 'AIModel loop to be InvalidSpec', timeoutMs: 90_000 },
    );
    expect(loop.message).toBe(
      `spec.endpoint: Invalid value: "http://0x7f.1:8000/v1": must not reach a loopback, link-local or cloud metadata host: the host "127.0.0.1" is a loopback address; ${ALLOWED}`,
    );
    const config = await gatewayConfig();
    expect(config).toContain('"/orders"');
    expect(config).not.toContain('metadata.google.internal');
    expect(config).not.toContain('127.0.0.1:8000');
    expect(await controller.stop()).toBe(0);
    controller = undefined;
  });

  it('are served by a controller started with --allow-local-egress', async () => {
    controller = await startController('local-egress-allowed', ['--allow-local-egress']);
    await waitFor(
      async () => {
        const config = await gatewayConfig();
        return config.includes('metadata.google.internal') && config.includes('127.0.0.1:8000');
      },
      { description: 'the gateway configuration to hold both routes', timeoutMs: 90_000 },
    );
    for (const name of ['imds', 'to-loop']) {
      await waitFor(async () => (await readyCondition(name))?.reason !== 'InvalidSpec', {
        description: `route ${name} to leave InvalidSpec`,
        timeoutMs: 90_000,
      });
    }
  });
});
