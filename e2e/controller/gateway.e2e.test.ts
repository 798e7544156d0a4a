// APIGatewayRoutes reconciled by the controller process on a real control plane: one gateway per
// namespace/gateway owned by all its routes, conflicts reported, routes moving between gateways, drift
// repaired, children garbage-collected with the last route.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { CONFIG_MAPS, DEPLOYMENTS, SERVICES } from '../../shared/kube/well-known-resources.ts';
import type { ConfigMap, Deployment } from '../../controller/children/kube-objects.ts';
import { API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { kubectl, waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { serviceRoute } from './support/objects.ts';
import { deleteNamespace, getObject, prepareTestNamespace } from './support/operator-cluster.ts';

// Each step waits on a real control plane (rollouts, garbage collection, a Lease expiring).
jest.setTimeout(240_000);

let api: HTTPKubeAPI;
let namespace: string;
let controller: ControllerProcess;

const gateway = (name = 'default') => ({ namespace, name: `agw-${name}` });

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  return waitFor(check, { description: what, timeoutMs: 90_000, intervalMs: 250 });
}

async function route(name: string): Promise<APIGatewayRouteV1 | undefined> {
  return getObject<APIGatewayRouteV1>(api, API_GATEWAY_ROUTES, { namespace, name });
}

async function config(name = 'default'): Promise<string> {
  return (await getObject<ConfigMap>(api, CONFIG_MAPS, gateway(name)))?.data['nginx.conf'] ?? '';
}

async function owners(name = 'default'): Promise<string[]> {
  const d = await getObject<Deployment>(api, DEPLOYMENTS, gateway(name));
  return (d?.metadata.ownerReferences ?? []).map((o) => o.name).sort();
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-gateway'));
  controller = await ControllerProcess.start({
    name: 'gateway',
    args: [`--namespaces=${namespace}`, '--leader-elect=false', '--gateway-resolver=10.0.0.10'],
  });
});

afterAll(async () => {
  expect(await controller?.stop()).toBe(0);
  await deleteNamespace(api, namespace);
});

describe('gateway controller on a real control plane', () => {
  it('serves two routes from one gateway owned by both; Ready once its pods run the configuration', async () => {
    await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'orders'));
    await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'users', { rateLimit: 10, burst: 5 }));
    await kubectl([
      'wait',
      '-n',
      namespace,
      '--for=condition=Ready',
      '--timeout=120s',
      'agr/orders',
      'agr/users',
    ]);
    expect(await owners()).toEqual(['orders', 'users']);
    const text = await config();
    expect(text).toContain('"/orders"');
    expect(text).toContain('"/users"');
    expect(text).toContain('resolver 10.0.0.10');
    expect(await getObject(api, SERVICES, gateway())).toBeDefined();
    expect((await route('orders'))?.status).toMatchObject({ state: 'Ready', observedGeneration: 1 });
  });

  it('rejects the newer of two routes with the same match, naming the older', async () => {
    await api.create(
      API_GATEWAY_ROUTES,
      serviceRoute(namespace, 'orders-copy', { path: '/orders', destinationService: 'other' }),
    );
    const rejected = await eventually('the newer route to be Failed', async () => {
      const r = await route('orders-copy');
      return r?.status?.state === 'Failed' ? r : undefined;
    });
    expect(rejected.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      reason: 'RouteConflict',
    });
    expect(rejected.status?.message).toContain(`${namespace}/orders`);
    expect(await config()).not.toContain('other');
    expect((await route('orders'))?.status?.state).toBe('Ready');
  });

  it('moves a route to another gateway: both gateways follow', async () => {
    await api.patch(API_GATEWAY_ROUTES, { namespace, name: 'users' }, 'merge', { spec: { gateway: 'edge' } });
    await eventually('the default gateway to drop users', async () => !(await config()).includes('"/users"'));
    await eventually('the edge gateway to serve users', async () =>
      (await config('edge')).includes('"/users"'),
    );
    // The Deployment is applied after the ConfigMap, so its owners follow a moment later.
    await eventually(
      'the default gateway to be owned by the routes left',
      async () => (await owners()).join() === 'orders,orders-copy',
    );
    await eventually(
      'the edge gateway to be owned by users',
      async () => (await owners('edge')).join() === 'users',
    );
    // Ready of the moved route's generation, not the one it had on the default gateway.
    await eventually('users to be Ready on the edge gateway', async () => {
      const r = await route('users');
      const ready = r?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' && ready.observedGeneration === r?.metadata.generation;
    });
  });

  it('repairs a gateway edited or deleted by hand', async () => {
    await api.patch(CONFIG_MAPS, gateway(), 'merge', { data: { 'nginx.conf': 'events {}\n' } });
    await api.delete(SERVICES, gateway());
    await eventually('the configuration to be restored', async () => (await config()).includes('"/orders"'));
    await eventually(
      'the Service to be recreated',
      async () => (await getObject(api, SERVICES, gateway())) !== undefined,
    );
  });

  it('removes a gateway with its last route', async () => {
    await api.delete(API_GATEWAY_ROUTES, { namespace, name: 'users' });
    await eventually('the edge gateway to be gone', async () => {
      const left = await Promise.all([
        getObject(api, DEPLOYMENTS, gateway('edge')),
        getObject(api, SERVICES, gateway('edge')),
        getObject(api, CONFIG_MAPS, gateway('edge')),
      ]);
      return left.every((o) => o === undefined);
    });
    await api.delete(API_GATEWAY_ROUTES, { namespace, name: 'orders' });
    await eventually('the copy to take over /orders', async () => {
      const r = await route('orders-copy');
      return r?.status?.state === 'Ready' && (await owners()).join() === 'orders-copy';
    });
    await api.delete(API_GATEWAY_ROUTES, { namespace, name: 'orders-copy' });
    await eventually(
      'the default gateway to be gone',
      async () => (await getObject(api, DEPLOYMENTS, gateway())) === undefined,
    );
  });
});
