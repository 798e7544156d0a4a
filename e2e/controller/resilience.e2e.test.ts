// The controller under failures an operator sees in production: the leader dies and a standby takes
// over; the API server restarts mid-run and the controller catches up without anyone's help.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import type { ConfigMap } from '../../controller/children/kube-objects.ts';
import { CONFIG_MAPS } from '../../shared/kube/well-known-resources.ts';
import { API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { e2eCluster, kubectl, waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { serviceRoute } from './support/objects.ts';
import { deleteNamespace, getObject, prepareTestNamespace } from './support/operator-cluster.ts';

// Each step waits on a real control plane (rollouts, garbage collection, a Lease expiring).
jest.setTimeout(240_000);

let api: HTTPKubeAPI;
let namespace: string;
const running: ControllerProcess[] = [];

async function start(name: string, args: string[]): Promise<ControllerProcess> {
  const controller = await ControllerProcess.start({
    name,
    args: [`--namespaces=${namespace}`, '--gateway-resolver=10.0.0.10', ...args],
  });
  running.push(controller);
  return controller;
}

async function servedPaths(gateway = 'default'): Promise<string> {
  return (
    (await getObject<ConfigMap>(api, CONFIG_MAPS, { namespace, name: `agw-${gateway}` }))?.data[
      'nginx.conf'
    ] ?? ''
  );
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-resilience'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

afterAll(async () => {
  await deleteNamespace(api, namespace);
});

describe('controller resilience', () => {
  it('fails over: the standby takes the Lease when the leader is killed, and reconciles', async () => {
    const lease = [`--leader-election-id=ctl-e2e-${namespace}`, `--leader-election-namespace=${namespace}`];
    const first = await start('leader-a', ['--leader-elect=true', ...lease]);
    await first.waitFor('to lead', () => first.isLeader());
    const second = await start('leader-b', ['--leader-elect=true', ...lease]);
    await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'before'));
    await waitFor(async () => (await servedPaths()).includes('"/before"'), {
      description: 'the leader to serve /before',
      timeoutMs: 60_000,
    });
    expect(await second.isLeader()).toBe(false);

    await first.kill();
    const killedAt = Date.now();
    await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'after'));
    await second.waitFor('to take over the Lease', () => second.isLeader(), 45_000);
    await waitFor(async () => (await servedPaths()).includes('"/after"'), {
      description: 'the new leader to serve /after',
      timeoutMs: 60_000,
    });
    // The Lease lasts 15 s; the standby must not take it before it expires, nor much after.
    expect(Date.now() - killedAt).toBeLessThan(40_000);
  });

  // Without leader election: a leader that cannot renew its Lease for 10 s exits on purpose (and is
  // restarted by Kubernetes); this is about the watches and caches finding the server again.
  it('catches up by itself after the API server restarts', async () => {
    const controller = await start('apiserver-restart', ['--leader-elect=false']);
    await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'before-restart', { gateway: 'restart' }));
    await e2eCluster().restartAPIServer();
    await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'during-restart', { gateway: 'restart' }));
    await waitFor(async () => (await servedPaths('restart')).includes('"/during-restart"'), {
      description: 'the route created after the restart to be served',
      timeoutMs: 90_000,
    });
    await controller.waitFor(
      'to be ready again',
      async () => (await controller.get('/readyz')).status === 200,
    );
    expect(controller.running).toBe(true);
    await kubectl(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'agr/during-restart']);
  });
});
