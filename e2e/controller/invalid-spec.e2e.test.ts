// The controller as a second line behind admission, on a real control plane without the webhook: objects
// the webhook's validation refuses are stored (what the CRDs accept, routes written while the CRD lacked
// a rule, and models with an image outside --allowed-model-images), and the controller reports them
// InvalidSpec with an Event and makes or changes nothing for them, while valid routes of the same gateway
// are served.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { Condition } from '../../shared/kube/meta-v1-types.ts';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { CONFIG_MAPS, DEPLOYMENTS, SERVICES } from '../../shared/kube/well-known-resources.ts';
import type { ConfigMap, Deployment, Service } from '../../controller/children/kube-objects.ts';
import { API_GATEWAY_ROUTE, crdName } from '../../shared/api/kinds.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { kubectl, waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { eventsAbout } from './support/events.ts';
import { withoutCRDRule } from './support/lifted-rule.ts';
import { servedModel, serviceRoute } from './support/objects.ts';
import { deleteNamespace, getObject, prepareTestNamespace } from './support/operator-cluster.ts';

// Each step waits on a real control plane (rollouts, status writes, Events).
jest.setTimeout(240_000);

let api: HTTPKubeAPI;
let namespace: string;
let controller: ControllerProcess;

const REQUESTS_ABOVE_LIMITS =
  'spec.resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1';
const BURST_RULE = 'burst is only allowed with a rateLimit above 0';
const BURST_WITHOUT_RATE_LIMIT = `spec.burst: Forbidden: ${BURST_RULE}`;

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  return waitFor(check, { description: what, timeoutMs: 90_000, intervalMs: 250 });
}

const ready = (conditions: readonly Condition[] | undefined) => conditions?.find((c) => c.type === 'Ready');

async function invalidSpecCondition(
  read: () => Promise<AIModelV1 | APIGatewayRouteV1 | undefined>,
  generation: number,
): Promise<Condition> {
  return eventually(`InvalidSpec at generation ${generation}`, async () => {
    const object = await read();
    const condition = ready(object?.status?.conditions);
    return object?.status?.observedGeneration === generation && condition?.reason === 'InvalidSpec'
      ? condition
      : undefined;
  });
}

async function expectWarning(kind: string, name: string, reason: string, note: string): Promise<void> {
  await eventually(`a ${reason} Event on ${kind} ${name}`, async () =>
    (await eventsAbout(api, namespace, kind, name)).some(
      (e) => e.type === 'Warning' && e.reason === reason && e.note === note,
    ),
  );
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-invalid'));
  controller = await ControllerProcess.start({
    name: 'invalid-spec',
    args: [
      `--namespaces=${namespace}`,
      '--leader-elect=false',
      '--gateway-resolver=10.0.0.10',
      // The images of servedModel are under it.
      '--allowed-model-images=registry.example/',
    ],
  });
});

afterAll(async () => {
  expect(await controller?.stop()).toBe(0);
  await deleteNamespace(api, namespace);
});

describe('objects stored without the webhook, on a real control plane', () => {
  it('makes nothing for a new AIModel that fails validation', async () => {
    await api.create(
      AI_MODELS,
      servedModel(namespace, 'greedy', { resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }),
    );
    const model = () => getObject<AIModelV1>(api, AI_MODELS, { namespace, name: 'greedy' });
    const condition = await invalidSpecCondition(model, 1);
    expect(condition).toMatchObject({ status: 'False', message: REQUESTS_ABOVE_LIMITS });
    expect((await model())?.status?.phase).toBe('Error');
    await expectWarning('AIModel', 'greedy', 'InvalidSpec', REQUESTS_ABOVE_LIMITS);
    const ref = { namespace, name: 'aim-greedy' };
    for (const resource of [CONFIG_MAPS, SERVICES, DEPLOYMENTS]) {
      expect(await getObject(api, resource, ref)).toBeUndefined();
    }
  });

  it('makes nothing for an AIModel whose image the installation does not allow', async () => {
    await api.create(
      AI_MODELS,
      servedModel(namespace, 'foreign', { image: 'registry.example.evil/model-server:1' }),
    );
    const model = () => getObject<AIModelV1>(api, AI_MODELS, { namespace, name: 'foreign' });
    const message =
      'spec.image: Invalid value: "registry.example.evil/model-server:1": must be an image under one of the allowed prefixes registry.example/ (--allowed-model-images, chart value security.allowedModelImages); it is pulled from registry.example.evil/model-server';
    const condition = await invalidSpecCondition(model, 1);
    expect(condition).toMatchObject({ status: 'False', message });
    await expectWarning('AIModel', 'foreign', 'InvalidSpec', message);
    const ref = { namespace, name: 'aim-foreign' };
    for (const resource of [CONFIG_MAPS, SERVICES, DEPLOYMENTS]) {
      expect(await getObject(api, resource, ref)).toBeUndefined();
    }
  });

  it('leaves the children of an AIModel whose spec turns invalid as they were', async () => {
    await api.create(AI_MODELS, servedModel(namespace, 'gemma'));
    const ref = { namespace, name: 'aim-gemma' };
    await eventually('the model to be served', () => getObject<Deployment>(api, DEPLOYMENTS, ref));
    const model = () => getObject<AIModelV1>(api, AI_MODELS, { namespace, name: 'gemma' });
    await eventually('the model to report generation 1', async () => {
      const status = (await model())?.status;
      return status?.observedGeneration === 1 && status.phase !== 'Error';
    });
    const configMap = await getObject<ConfigMap>(api, CONFIG_MAPS, ref);
    const service = await getObject<Service>(api, SERVICES, ref);
    const deployment = await getObject<Deployment>(api, DEPLOYMENTS, ref);

    // A new image (which a valid spec would roll out) and requests above the limits.
    await api.patch(AI_MODELS, { namespace, name: 'gemma' }, 'merge', {
      spec: {
        image: 'registry.example/model-server:2',
        resources: { requests: { cpu: '2' }, limits: { cpu: '1' } },
      },
    });
    const condition = await invalidSpecCondition(model, 2);
    expect(condition).toMatchObject({ status: 'False', message: REQUESTS_ABOVE_LIMITS });
    await expectWarning('AIModel', 'gemma', 'InvalidSpec', REQUESTS_ABOVE_LIMITS);

    // Nothing else writes the ConfigMap or the Service; the Deployment controller writes only status.
    expect((await getObject<ConfigMap>(api, CONFIG_MAPS, ref))?.metadata.resourceVersion).toBe(
      configMap?.metadata.resourceVersion,
    );
    expect((await getObject<Service>(api, SERVICES, ref))?.metadata.resourceVersion).toBe(
      service?.metadata.resourceVersion,
    );
    const after = await getObject<Deployment>(api, DEPLOYMENTS, ref);
    expect(after?.metadata.generation).toBe(deployment?.metadata.generation);
    expect(after?.spec.template.spec.containers[0]?.image).toBe('registry.example/model-server:1');
  });

  it('leaves a route that fails validation out of its gateway and serves the others', async () => {
    await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'orders'));
    await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'users'));
    // The CRD refuses a burst without a rate limit too, so these are written as before it did.
    await withoutCRDRule(crdName(API_GATEWAY_ROUTE), BURST_RULE, async () => {
      await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'bursty', { burst: 5 }));
    });
    const route = (name: string) => () =>
      getObject<APIGatewayRouteV1>(api, API_GATEWAY_ROUTES, { namespace, name });
    await kubectl([
      'wait',
      '-n',
      namespace,
      '--for=condition=Ready',
      '--timeout=120s',
      'agr/orders',
      'agr/users',
    ]);

    const condition = await invalidSpecCondition(route('bursty'), 1);
    expect(condition).toMatchObject({ status: 'False', message: BURST_WITHOUT_RATE_LIMIT });
    expect((await route('bursty')())?.status?.state).toBe('Failed');
    await expectWarning('APIGatewayRoute', 'bursty', 'InvalidSpec', BURST_WITHOUT_RATE_LIMIT);
    const gateway = { namespace, name: 'agw-default' };
    const config = async () =>
      (await getObject<ConfigMap>(api, CONFIG_MAPS, gateway))?.data['nginx.conf'] ?? '';
    const owners = async () =>
      ((await getObject<Deployment>(api, DEPLOYMENTS, gateway))?.metadata.ownerReferences ?? [])
        .map((o) => o.name)
        .sort();
    expect(await config()).toContain('"/orders"');
    expect(await config()).not.toContain('"/bursty"');
    expect(await owners()).toEqual(['orders', 'users']);

    // A served route whose spec turns invalid leaves the gateway; the other is still served.
    await withoutCRDRule(crdName(API_GATEWAY_ROUTE), BURST_RULE, async () => {
      await api.patch(API_GATEWAY_ROUTES, { namespace, name: 'users' }, 'merge', { spec: { burst: 5 } });
    });
    await invalidSpecCondition(route('users'), 2);
    await eventually(
      'the configuration to drop the route',
      async () => !(await config()).includes('"/users"'),
    );
    expect(await owners()).toEqual(['orders']);
    await kubectl(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'agr/orders']);
    expect(await config()).toContain('"/orders"');
  });
});
