import { afterEach, describe, expect, it } from '@jest/globals';
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import { configHashInText } from '../../../shared/gateway/config-status.ts';
import { configBytes } from '../../../shared/gateway/fit-gateway-config.ts';
import { renderGatewayConfig } from '../../../shared/gateway/render-gateway-config.ts';
import type { ReloaderStatus } from '../../../shared/gateway/reloader-status.ts';
import { CONFIG_MAPS, DEPLOYMENTS, SECRETS, SERVICES } from '../../../shared/kube/well-known-resources.ts';
import type { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import { testGatewayPodSettings } from '../../children/gateway/testing/pod-settings.ts';
import type { ConfigMap, Deployment, Service } from '../../children/kube-objects.ts';
import type { PodReport } from '../../status/config-serving.ts';
import { RELOAD_CHECK_MS } from '../../status/served-route-outcome.ts';
import { findCondition } from '../../status/conditions.ts';
import { CHILD_CONFLICT_RETRY_MS } from '../child-conflicts.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from '../custom-resources.ts';
import { OperatorHarness } from '../testing/operator-harness.ts';
import { KUBE_DNS } from './cluster-dns.ts';
import { addGatewayController } from './gateway-controller.ts';
import type { GatewayPodReporter } from './gateway-pod-reports.ts';
import { SECRET_RECHECK_MS } from '../secret-marking.ts';
import { RESOLVER_RETRY_MS } from './gateway-reconciler.ts';

const NS = 'shop';
const DEFAULT_GW = { namespace: NS, name: 'agw-default' };

function route(
  name: string,
  spec: Partial<APIGatewayRouteV1['spec']> = {},
  created = '2026-01-01T00:00:00Z',
): APIGatewayRouteV1 {
  return {
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { name, namespace: NS, creationTimestamp: created },
    spec: { path: `/${name}`, method: 'GET', destinationService: 'backend', destinationPort: 8080, ...spec },
  };
}

/**
 * Plays the reloaders of a gateway's pods: one per available replica of its Deployment, each reporting the
 * configuration in the ConfigMap as loaded (the kubelet and nginx at once), unless a test holds them on
 * the one they run (`hold`) or has nginx refuse what is mounted (`refuse`).
 */
class FakeReloaders implements GatewayPodReporter {
  private readonly api: FakeKubeAPI;
  held: string | null | undefined;
  refusal: string | undefined;

  constructor(api: FakeKubeAPI) {
    this.api = api;
  }

  mountedHash(ref = DEFAULT_GW): string | null {
    return configHashInText(this.api.peek<ConfigMap>(CONFIG_MAPS, ref)?.data['nginx.conf'] ?? '') ?? null;
  }

  /** The pods keep running what they run now, as while the kubelet has not updated their mount. */
  hold(ref = DEFAULT_GW): void {
    this.held = this.mountedHash(ref);
  }

  release(): void {
    this.held = undefined;
    this.refusal = undefined;
  }

  /** nginx refuses every configuration mounted from now on, and keeps running the one it runs. */
  refuse(error: string, ref = DEFAULT_GW): void {
    this.hold(ref);
    this.refusal = error;
  }

  async reports(namespace: string, gateway: string): Promise<PodReport[]> {
    const ref = { namespace, name: `agw-${gateway}` };
    const pods = this.api.peek<Deployment>(DEPLOYMENTS, ref)?.status?.availableReplicas ?? 0;
    const mounted = this.mountedHash(ref);
    const status: ReloaderStatus = {
      mountedHash: mounted,
      loadedHash: this.held === undefined ? mounted : this.held,
      refused:
        this.refusal !== undefined && mounted !== null && mounted !== this.held
          ? { hash: mounted, error: this.refusal }
          : null,
      problem: null,
      lastReloadSeconds: 0.1,
    };
    return Array.from({ length: pods }, (_, i) => ({ pod: `${ref.name}-${i}`, kind: 'status', status }));
  }
}

let harness: OperatorHarness;
let reloaders: FakeReloaders;

const SETTINGS = {
  pod: {
    ...testGatewayPodSettings(),
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
  },
  allowLocalEgress: false,
};

function addController(h: OperatorHarness, resolver: string | undefined): void {
  reloaders = new FakeReloaders(h.api);
  addGatewayController(h.manager, h.deps, { ...SETTINGS, resolver }, reloaders);
}

async function start(resolver: string | undefined, ...routes: APIGatewayRouteV1[]): Promise<OperatorHarness> {
  harness = new OperatorHarness();
  addController(harness, resolver);
  harness.api.seed(API_GATEWAY_ROUTES, ...routes);
  harness.start();
  await harness.settle();
  return harness;
}

/** Plays the API server (which defaults replicas) and the Deployment controller (which rolls out). */
async function rollOut(h: OperatorHarness, ref = DEFAULT_GW): Promise<void> {
  if (h.get<Deployment>(DEPLOYMENTS, ref)?.spec.replicas === undefined) {
    await h.api.patch(DEPLOYMENTS, ref, 'merge', { spec: { replicas: 1 } });
  }
  const d = h.get<Deployment>(DEPLOYMENTS, ref);
  if (!d) throw new Error(`no Deployment ${ref.name} to roll out`);
  await h.api.patch(DEPLOYMENTS, ref, 'merge', {
    status: {
      observedGeneration: d.metadata.generation,
      replicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
    },
  });
  await h.settle();
}

const config = (h: OperatorHarness, ref = DEFAULT_GW) =>
  h.get<ConfigMap>(CONFIG_MAPS, ref)?.data['nginx.conf'] ?? '';
const routeStatus = (h: OperatorHarness, name: string) =>
  h.get<APIGatewayRouteV1>(API_GATEWAY_ROUTES, { namespace: NS, name })?.status;
const ready = (h: OperatorHarness, name: string) => findCondition(routeStatus(h, name)?.conditions, 'Ready');
const ownerNames = (h: OperatorHarness, ref = DEFAULT_GW) =>
  (h.get<Deployment>(DEPLOYMENTS, ref)?.metadata.ownerReferences ?? []).map((o) => o.name).sort();

/** Writes of ConfigMaps, Services and Deployments since call number `from`. */
const childWrites = (h: OperatorHarness, from = 0) =>
  h.api.calls
    .slice(from)
    .filter((c) => c.verb !== 'get' && c.verb !== 'list' && c.verb !== 'watch')
    .filter((c) => /^(configmaps|services|deployments)\b/.test(c.resource));
const BURST_WITHOUT_RATE_LIMIT = 'spec.burst: Forbidden: burst is only allowed with a rateLimit above 0';

afterEach(async () => {
  await harness.stop();
});

describe('gateway controller', () => {
  it('serves the routes of a gateway from one Deployment owned by all of them', async () => {
    const h = await start('10.96.0.10', route('orders'), route('users'));
    expect(config(h)).toContain('"/orders"');
    expect(config(h)).toContain('"/users"');
    expect(config(h)).toContain('resolver 10.96.0.10');
    expect(h.get<Service>(SERVICES, DEFAULT_GW)?.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
    ]);
    const deployment = h.get<Deployment>(DEPLOYMENTS, DEFAULT_GW);
    expect(deployment?.metadata.ownerReferences).toHaveLength(2);
    expect(deployment?.metadata.ownerReferences?.every((o) => !o.controller && !o.blockOwnerDeletion)).toBe(
      true,
    );
    expect(deployment?.spec.template.spec.containers[0]?.resources).toEqual(SETTINGS.pod.resources);
    expect(routeStatus(h, 'orders')).toMatchObject({ state: 'Pending' });
    expect(ready(h, 'orders')).toMatchObject({ status: 'False', reason: 'GatewayProgressing' });

    await rollOut(h);
    expect(routeStatus(h, 'orders')).toMatchObject({ state: 'Ready', observedGeneration: 1 });
    expect(ready(h, 'users')).toMatchObject({ status: 'True' });
  });

  it('brings a new route to running pods by a reload, not a rollout, and keeps the served ones Ready', async () => {
    const h = await start('10.96.0.10', route('orders'));
    await rollOut(h);
    expect(routeStatus(h, 'orders')).toMatchObject({ state: 'Ready' });
    const statusWrites = () =>
      h.api.calls.filter((c) => c.subresource === 'status' && c.name === 'orders').length;
    const before = statusWrites();
    const template = h.get<Deployment>(DEPLOYMENTS, DEFAULT_GW)?.spec.template;
    reloaders.hold();
    await h.api.create(API_GATEWAY_ROUTES, route('users'));
    await h.settle();
    expect(config(h)).toContain('"/users"');
    expect(h.get<Deployment>(DEPLOYMENTS, DEFAULT_GW)?.spec.template).toEqual(template);
    expect(routeStatus(h, 'users')).toMatchObject({ state: 'Pending' });
    expect(ready(h, 'users')).toMatchObject({ status: 'False', reason: 'GatewayReloading' });
    expect(routeStatus(h, 'users')?.message).toContain(
      '0 of 1 pods serve it (agw-default-0: nginx is loading it)',
    );
    expect(routeStatus(h, 'orders')).toMatchObject({ state: 'Ready' });

    // The pods' reloaders are asked again until they report the configuration loaded.
    reloaders.release();
    await h.settle(RELOAD_CHECK_MS);
    expect(routeStatus(h, 'users')).toMatchObject({ state: 'Ready' });
    expect(statusWrites()).toBe(before);
    expect(h.events.filter((e) => e.reason === 'GatewayReloading')).toEqual([]);
  });

  it('reports a configuration nginx refused on the changed route only, with what nginx said', async () => {
    const h = await start('10.96.0.10', route('orders'));
    await rollOut(h);
    reloaders.refuse('[emerg] unknown directive "bogus" in /etc/gateway/config/nginx.conf:3');
    await h.api.create(API_GATEWAY_ROUTES, route('users'));
    await h.settle();
    expect(routeStatus(h, 'users')).toMatchObject({ state: 'Failed' });
    expect(ready(h, 'users')).toMatchObject({ status: 'False', reason: 'GatewayConfigRefused' });
    expect(routeStatus(h, 'users')?.message).toContain('unknown directive "bogus"');
    expect(findCondition(routeStatus(h, 'users')?.conditions, 'Accepted')).toMatchObject({ status: 'True' });
    expect(h.events).toContainEqual(
      expect.objectContaining({ name: 'users', type: 'Warning', reason: 'GatewayConfigRefused' }),
    );
    // nginx keeps serving the configuration before, which holds orders.
    expect(routeStatus(h, 'orders')).toMatchObject({ state: 'Ready' });

    reloaders.release();
    await h.api.patch(API_GATEWAY_ROUTES, { namespace: NS, name: 'users' }, 'merge', {
      spec: { path: '/people' },
    });
    await h.settle();
    expect(routeStatus(h, 'users')).toMatchObject({ state: 'Ready' });
  });

  it('reports the routes of a gateway scaled to zero as not Ready, and Ready again once it serves', async () => {
    const h = await start('10.96.0.10', route('orders'));
    await rollOut(h);
    expect(ready(h, 'orders')).toMatchObject({ status: 'True' });

    await h.api.patch(DEPLOYMENTS, DEFAULT_GW, 'merge', { spec: { replicas: 0 } });
    const scaled = h.get<Deployment>(DEPLOYMENTS, DEFAULT_GW);
    await h.api.patch(DEPLOYMENTS, DEFAULT_GW, 'merge', {
      status: {
        observedGeneration: scaled?.metadata.generation,
        replicas: 0,
        updatedReplicas: 0,
        availableReplicas: 0,
      },
    });
    await h.settle();
    expect(routeStatus(h, 'orders')).toMatchObject({
      state: 'Pending',
      message: 'The gateway Deployment agw-default has 0 replicas: no pod serves the route',
    });
    expect(ready(h, 'orders')).toMatchObject({ status: 'False', reason: 'GatewayScaledToZero' });
    expect(h.events).toContainEqual(
      expect.objectContaining({ name: 'orders', reason: 'GatewayScaledToZero' }),
    );

    await h.api.patch(DEPLOYMENTS, DEFAULT_GW, 'merge', { spec: { replicas: 1 } });
    await rollOut(h);
    expect(ready(h, 'orders')).toMatchObject({ status: 'True', reason: 'Serving' });
  });

  it('rejects the newer of two routes claiming the same match, with the reason', async () => {
    const h = await start(
      '10.96.0.10',
      route('first', { path: '/api' }, '2026-01-01T00:00:00Z'),
      route('second', { path: '/api', destinationService: 'other' }, '2026-01-02T00:00:00Z'),
    );
    await rollOut(h);
    expect(routeStatus(h, 'first')).toMatchObject({ state: 'Ready' });
    expect(routeStatus(h, 'second')).toMatchObject({ state: 'Failed' });
    expect(ready(h, 'second')).toMatchObject({ reason: 'RouteConflict' });
    expect(routeStatus(h, 'second')?.message).toContain(`APIGatewayRoute ${NS}/first`);
    expect(config(h)).not.toContain('other');
    expect(h.events).toContainEqual(expect.objectContaining({ name: 'second', reason: 'RouteConflict' }));
  });

  it('leaves the newest routes out when the configuration would not fit its ConfigMap, and says why', async () => {
    // Oldest first, by creation and, created in the same second here, by name.
    const routes = ['a-first', 'b-second', 'c-third', 'd-fourth'].map((name, i) =>
      route(name, {}, `2026-01-0${i + 1}T00:00:00Z`),
    );
    // Room for the two oldest routes' configuration, not three.
    const input = { namespace: NS, gateway: 'default', models: [], resolver: '10.96.0.10' };
    const budget = configBytes(renderGatewayConfig({ ...input, routes: routes.slice(0, 2) }));
    expect(configBytes(renderGatewayConfig({ ...input, routes: routes.slice(0, 3) }))).toBeGreaterThan(
      budget,
    );
    harness = new OperatorHarness();
    reloaders = new FakeReloaders(harness.api);
    addGatewayController(
      harness.manager,
      harness.deps,
      { ...SETTINGS, resolver: '10.96.0.10', configBudgetBytes: budget },
      reloaders,
    );
    harness.api.seed(API_GATEWAY_ROUTES, ...routes);
    harness.start();
    await harness.settle();
    const h = harness;
    await rollOut(h);
    expect(routeStatus(h, 'a-first')).toMatchObject({ state: 'Ready' });
    expect(routeStatus(h, 'b-second')).toMatchObject({ state: 'Ready' });
    for (const name of ['c-third', 'd-fourth']) {
      expect(routeStatus(h, name)).toMatchObject({ state: 'Failed' });
      expect(ready(h, name)).toMatchObject({ reason: 'GatewayConfigTooLarge' });
      expect(routeStatus(h, name)?.message).toContain('agw-default');
      expect(h.events).toContainEqual(expect.objectContaining({ name, reason: 'GatewayConfigTooLarge' }));
    }
    expect(config(h)).toContain('"/b-second"');
    expect(config(h)).not.toContain('"/c-third"');
    // Routes left out own nothing: ownerReferences of thousands would outgrow the children.
    expect(ownerNames(h)).toEqual(['a-first', 'b-second']);
  });

  it('reports a route the gateway cannot serve as invalid and serves the others', async () => {
    const h = await start('10.96.0.10', route('health', { path: '/healthz' }), route('orders'));
    expect(routeStatus(h, 'health')).toMatchObject({ state: 'Failed' });
    expect(ready(h, 'health')).toMatchObject({ reason: 'InvalidSpec' });
    expect(routeStatus(h, 'health')?.message).toContain('spec.path');
    expect(config(h)).toContain('"/orders"');
  });

  it('moves a route between gateways and deletes the children of a gateway left without routes', async () => {
    const h = await start('10.96.0.10', route('orders'), route('users'));
    await h.api.patch(API_GATEWAY_ROUTES, { namespace: NS, name: 'users' }, 'merge', {
      spec: { gateway: 'edge' },
    });
    await h.settle();
    const edge = { namespace: NS, name: 'agw-edge' };
    expect(ownerNames(h)).toEqual(['orders']);
    expect(config(h)).not.toContain('"/users"');
    expect(ownerNames(h, edge)).toEqual(['users']);
    expect(config(h, edge)).toContain('"/users"');

    await h.api.patch(API_GATEWAY_ROUTES, { namespace: NS, name: 'orders' }, 'merge', {
      spec: { gateway: 'edge' },
    });
    await h.settle();
    expect(h.get(DEPLOYMENTS, DEFAULT_GW)).toBeUndefined();
    expect(h.get(SERVICES, DEFAULT_GW)).toBeUndefined();
    expect(h.get(CONFIG_MAPS, DEFAULT_GW)).toBeUndefined();
    expect(ownerNames(h, edge)).toEqual(['orders', 'users']);
  });

  it('leaves a route that fails validation out of its gateway and serves the others', async () => {
    const h = await start('10.96.0.10', route('orders'), route('bursty', { burst: 5 }));
    expect(config(h)).toContain('"/orders"');
    expect(config(h)).not.toContain('"/bursty"');
    expect(ownerNames(h)).toEqual(['orders']);
    expect(routeStatus(h, 'bursty')).toMatchObject({ state: 'Failed', message: BURST_WITHOUT_RATE_LIMIT });
    expect(ready(h, 'bursty')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message: BURST_WITHOUT_RATE_LIMIT,
    });
    expect(h.events).toContainEqual(
      expect.objectContaining({ name: 'bursty', type: 'Warning', reason: 'InvalidSpec' }),
    );
    await rollOut(h);
    expect(routeStatus(h, 'orders')).toMatchObject({ state: 'Ready' });
  });

  it('makes nothing for a gateway only routes that fail validation name', async () => {
    const h = await start('10.96.0.10', route('bursty', { burst: 5 }));
    expect(childWrites(h)).toEqual([]);
    expect(ready(h, 'bursty')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
  });

  it('drops a route that turns invalid; the last one leaves the children as they were', async () => {
    const h = await start('10.96.0.10', route('orders'), route('users'));
    await rollOut(h);
    await h.api.patch(API_GATEWAY_ROUTES, { namespace: NS, name: 'users' }, 'merge', { spec: { burst: 5 } });
    await h.settle();
    expect(config(h)).not.toContain('"/users"');
    expect(ownerNames(h)).toEqual(['orders']);
    expect(ready(h, 'users')).toMatchObject({ reason: 'InvalidSpec' });

    await rollOut(h);
    const before = [CONFIG_MAPS, SERVICES, DEPLOYMENTS].map((r) => h.get(r, DEFAULT_GW));
    const calls = h.api.calls.length;
    await h.api.patch(API_GATEWAY_ROUTES, { namespace: NS, name: 'orders' }, 'merge', { spec: { burst: 5 } });
    await h.settle();
    expect(ready(h, 'orders')).toMatchObject({ reason: 'InvalidSpec' });
    expect(childWrites(h, calls)).toEqual([]);
    expect([CONFIG_MAPS, SERVICES, DEPLOYMENTS].map((r) => h.get(r, DEFAULT_GW))).toEqual(before);
  });

  it("writes nothing while an object it did not make holds a gateway child's name, then carries on", async () => {
    harness = new OperatorHarness();
    const h = harness;
    addController(h, '10.96.0.10');
    h.api.seed(SERVICES, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...DEFAULT_GW },
      spec: { type: 'ClusterIP', ports: [{ port: 9999 }] },
    });
    h.api.seed(API_GATEWAY_ROUTES, route('orders'), route('health', { path: '/healthz' }));
    h.start();
    await h.settle();

    expect(childWrites(h)).toEqual([]);
    expect(h.get<Service>(SERVICES, DEFAULT_GW)?.spec.ports).toEqual([{ port: 9999 }]);
    const message =
      'Service agw-default exists without the label app.kubernetes.io/managed-by=ai-gateway-operator, ' +
      'the label ai-gateway-operator/gateway=default and an owner reference to an APIGatewayRoute. ' +
      'The operator does not take over objects it did not make: it writes nothing for gateway default ' +
      'until that object is deleted or renamed';
    expect(routeStatus(h, 'orders')).toMatchObject({ state: 'Failed', message });
    expect(ready(h, 'orders')).toMatchObject({ status: 'False', reason: 'ChildConflict', message });
    // A route with its own problem reports that one.
    expect(ready(h, 'health')).toMatchObject({ reason: 'InvalidSpec' });
    expect(h.events).toContainEqual(
      expect.objectContaining({ name: 'orders', type: 'Warning', reason: 'ChildConflict', note: message }),
    );

    await h.api.delete(SERVICES, DEFAULT_GW);
    await h.settle(CHILD_CONFLICT_RETRY_MS);
    expect(config(h)).toContain('"/orders"');
    expect(h.get<Service>(SERVICES, DEFAULT_GW)?.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
    ]);
  });

  it('does not delete an object labelled as a gateway child that no route owns', async () => {
    const h = await start('10.96.0.10', route('orders'));
    const lookalike = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        namespace: NS,
        name: 'agw-edge',
        labels: {
          'app.kubernetes.io/managed-by': 'ai-gateway-operator',
          'ai-gateway-operator/gateway': 'edge',
        },
      },
      data: { note: 'made by hand' },
    };
    await h.api.create(CONFIG_MAPS, lookalike);
    await h.settle();
    expect(h.get(CONFIG_MAPS, { namespace: NS, name: 'agw-edge' })).toMatchObject({
      data: { note: 'made by hand' },
    });
  });

  it('routes to an AIModel once it exists and follows it to its endpoint', async () => {
    const h = await start(
      '10.96.0.10',
      route('chat', {
        destinationService: undefined,
        destinationPort: undefined,
        aiModelRef: { name: 'gemma' },
      }),
    );
    expect(ready(h, 'chat')).toMatchObject({ reason: 'BackendNotFound' });
    expect(config(h)).toContain('aim-gemma.shop.svc.cluster.local');

    const model: AIModelV1 = {
      apiVersion: 'ai.example.com/v1',
      kind: 'AIModel',
      metadata: { name: 'gemma', namespace: NS },
      spec: {
        modelName: 'gemma',
        modelProvider: 'Custom',
        modelType: 'LLM',
        endpoint: 'https://models.example.com/v1',
      },
    };
    await h.api.create(AI_MODELS, model);
    await h.settle();
    expect(config(h)).toContain('models.example.com');
    await rollOut(h);
    expect(routeStatus(h, 'chat')).toMatchObject({ state: 'Ready' });
  });

  it('mounts the API-key Secrets of the routes that require keys', async () => {
    const h = await start(
      '10.96.0.10',
      route('orders', { authenticationRequired: true, apiKeySecretRef: { name: 'order-keys' } }),
    );
    const pod = h.get<Deployment>(DEPLOYMENTS, DEFAULT_GW)?.spec.template.spec;
    expect(pod?.volumes).toContainEqual({
      name: 'api-keys-0',
      secret: { secretName: 'order-keys', optional: true },
    });
    expect(pod?.containers[0]?.volumeMounts).toContainEqual({
      name: 'api-keys-0',
      mountPath: '/etc/gateway/api-keys/order-keys',
      readOnly: true,
    });
    expect(h.get<ConfigMap>(CONFIG_MAPS, DEFAULT_GW)?.data).toHaveProperty(['gateway-api-keys.js']);
  });

  it('waits for the cluster DNS Service when no resolver is configured', async () => {
    const h = await start(undefined, route('orders'), route('health', { path: '/healthz' }));
    expect(ready(h, 'orders')).toMatchObject({ reason: 'ResolverNotFound' });
    expect(ready(h, 'health')).toMatchObject({ reason: 'InvalidSpec' });
    expect(routeStatus(h, 'orders')?.message).toContain('--gateway-resolver');
    expect(h.get(DEPLOYMENTS, DEFAULT_GW)).toBeUndefined();

    await h.api.create(SERVICES, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...KUBE_DNS },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.10' },
    });
    await h.settle(RESOLVER_RETRY_MS);
    expect(config(h)).toContain('resolver 10.96.0.10');
  });

  it('restores drifted children, and writes nothing in a steady state or after a restart', async () => {
    const h = await start('10.96.0.10', route('orders'), route('users'));
    await rollOut(h);
    await h.api.delete(SERVICES, DEFAULT_GW);
    await h.api.patch(CONFIG_MAPS, DEFAULT_GW, 'merge', { data: { 'nginx.conf': 'events {}' } });
    await h.settle();
    expect(h.get(SERVICES, DEFAULT_GW)).toBeDefined();
    expect(config(h)).toContain('"/orders"');

    const before = h.api.calls.length;
    await h.stop();
    harness = new OperatorHarness({ api: h.api, clock: h.clock });
    addController(harness, '10.96.0.10');
    harness.start();
    await harness.settle(10_000);
    const writes = h.api.calls.slice(before).filter((c) => !['list', 'watch', 'get'].includes(c.verb));
    expect(writes).toEqual([]);
  });
  describe('with AI models chosen by name', () => {
    const chat = () =>
      route('chat', {
        method: 'POST',
        destinationService: undefined,
        destinationPort: undefined,
        aiModelRouting: { models: [{ name: 'gpt' }, { name: 'claude' }, { name: 'llama' }] },
      });
    const aiModel = (name: string, spec: Partial<AIModelV1['spec']> = {}): AIModelV1 => ({
      apiVersion: 'ai.example.com/v1',
      kind: 'AIModel',
      metadata: { name, namespace: NS },
      spec: {
        modelName: name,
        modelProvider: 'OpenAI',
        modelType: 'LLM',
        endpoint: `https://${name}.example.com/v1`,
        ...spec,
      },
    });
    const providerSecret = (name: string, type: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: NS, name },
      type,
      data: { key: Buffer.from('sk-provider-key').toString('base64') },
    });
    const credentials = (name: string) => ({ secretKeyRef: { name, key: 'key' } });
    const pod = (h: OperatorHarness) => h.get<Deployment>(DEPLOYMENTS, DEFAULT_GW)?.spec.template.spec;
    const mountedCredentials = (h: OperatorHarness) =>
      (pod(h)?.volumes ?? []).flatMap((v) =>
        v.name.startsWith('credentials-') && v.secret ? [v.secret] : [],
      );

    it('is pending with BackendNotFound naming the models that do not exist, then serves', async () => {
      harness = new OperatorHarness();
      const h = harness;
      addController(h, '10.96.0.10');
      h.api.seed(AI_MODELS, aiModel('gpt'));
      h.api.seed(API_GATEWAY_ROUTES, chat());
      h.start();
      await h.settle();
      await rollOut(h);
      expect(ready(h, 'chat')).toMatchObject({
        status: 'False',
        reason: 'BackendNotFound',
        message: `AIModels claude, llama not found in namespace ${NS}; requests for them are answered 404 until they exist`,
      });
      expect(h.events).toContainEqual(expect.objectContaining({ name: 'chat', reason: 'BackendNotFound' }));

      await h.api.create(AI_MODELS, aiModel('claude'));
      await h.settle();
      expect(ready(h, 'chat')?.message).toBe(
        `AIModel llama not found in namespace ${NS}; requests for it are answered 404 until it exists`,
      );
      await h.api.create(AI_MODELS, aiModel('llama'));
      await h.settle();
      expect(routeStatus(h, 'chat')).toMatchObject({ state: 'Ready' });
    });

    it('names a model that is never chosen as one listed before it has its modelName', async () => {
      harness = new OperatorHarness();
      const h = harness;
      addController(h, '10.96.0.10');
      h.api.seed(AI_MODELS, aiModel('gpt'), aiModel('claude', { modelName: 'gpt' }), aiModel('llama'));
      h.api.seed(API_GATEWAY_ROUTES, chat());
      h.start();
      await h.settle();
      await rollOut(h);
      expect(routeStatus(h, 'chat')).toMatchObject({ state: 'Ready' });
      expect(routeStatus(h, 'chat')?.message).toMatch(
        /; AIModel claude is never chosen: AIModel gpt, listed before it, has its modelName "gpt"$/,
      );
    });

    it('mounts the provider-credentials Secrets of the models and their fallbacks, unless unmarked', async () => {
      harness = new OperatorHarness();
      const h = harness;
      addController(h, '10.96.0.10');
      h.api.seed(
        SECRETS,
        providerSecret('openai', 'ai.example.com/provider-credentials'),
        providerSecret('plain', 'Opaque'),
      );
      h.api.seed(
        AI_MODELS,
        aiModel('gpt', { credentials: credentials('openai'), fallbacks: [{ name: 'backup' }] }),
        aiModel('claude', { credentials: credentials('plain') }),
        aiModel('llama', { credentials: credentials('not-yet') }),
        aiModel('backup', { credentials: credentials('backup-keys'), fallbacks: [{ name: 'last' }] }),
        aiModel('last', { credentials: credentials('never-reached') }),
      );
      h.api.seed(API_GATEWAY_ROUTES, chat());
      h.start();
      await h.settle();
      expect(mountedCredentials(h)).toEqual([
        { secretName: 'backup-keys', optional: true, items: [{ key: 'key', path: 'key' }] },
        { secretName: 'not-yet', optional: true, items: [{ key: 'key', path: 'key' }] },
        { secretName: 'openai', optional: true, items: [{ key: 'key', path: 'key' }] },
      ]);
      expect(pod(h)?.containers[0]?.volumeMounts).toContainEqual({
        name: 'credentials-2',
        mountPath: '/etc/gateway/credentials/openai',
        readOnly: true,
      });
      expect(pod(h)?.containers[0]?.ports).toContainEqual({
        name: 'metrics',
        containerPort: 9113,
        protocol: 'TCP',
      });

      // The Secret marked later is mounted at the next look, which comes without any event.
      await h.api.replace(SECRETS, {
        ...providerSecret('plain', 'Opaque'),
        metadata: { namespace: NS, name: 'plain', labels: { 'ai.example.com/provider-credentials': 'true' } },
      });
      await h.settle(SECRET_RECHECK_MS);
      expect(mountedCredentials(h).map((v) => v.secretName)).toEqual([
        'backup-keys',
        'not-yet',
        'openai',
        'plain',
      ]);
    });

    it('follows a change of a fallback model', async () => {
      harness = new OperatorHarness();
      const h = harness;
      addController(h, '10.96.0.10');
      h.api.seed(
        AI_MODELS,
        aiModel('gpt', { fallbacks: [{ name: 'backup' }] }),
        aiModel('claude'),
        aiModel('llama'),
        aiModel('backup'),
      );
      h.api.seed(API_GATEWAY_ROUTES, chat());
      h.start();
      await h.settle();
      expect(mountedCredentials(h)).toEqual([]);
      await h.api.patch(AI_MODELS, { namespace: NS, name: 'backup' }, 'merge', {
        spec: { credentials: credentials('backup-keys') },
      });
      await h.settle();
      expect(mountedCredentials(h).map((v) => v.secretName)).toEqual(['backup-keys']);
    });
  });
});
