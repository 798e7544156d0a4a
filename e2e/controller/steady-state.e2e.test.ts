// Zero writes in a steady state, counted by the API server itself (apiserver_request_total): once models
// and routes are Ready, neither time nor a controller restart (which reconciles everything again from
// fresh caches) makes the controller write a child or a status.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { e2eCluster, kubectl, waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { serviceRoute, servedModel } from './support/objects.ts';
import {
  controllerWriteSeries,
  grownSeries,
  deleteNamespace,
  prepareTestNamespace,
  waitForNamespaceDeletions,
} from './support/operator-cluster.ts';

// Each step waits on a real control plane (rollouts, garbage collection, a Lease expiring).
jest.setTimeout(240_000);

let api: HTTPKubeAPI;
let namespace: string;
let controller: ControllerProcess | undefined;

const args = () => [`--namespaces=${namespace}`, '--leader-elect=false', '--gateway-resolver=10.0.0.10'];

async function writesSoFar(): Promise<Map<string, number>> {
  return controllerWriteSeries(await e2eCluster().apiServerMetrics());
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-steady'));
});

afterAll(async () => {
  await controller?.stop();
  await deleteNamespace(api, namespace);
});

describe('steady state', () => {
  it('sends no writes once everything is Ready, not even after a restart', async () => {
    controller = await ControllerProcess.start({ name: 'steady', args: args() });
    for (const name of ['m1', 'm2', 'm3']) await api.create(AI_MODELS, servedModel(namespace, name));
    await api.create(
      AI_MODELS,
      servedModel(namespace, 'ext', { image: undefined, endpoint: 'https://api.example.com/v1' }),
    );
    for (const name of ['r1', 'r2', 'r3'])
      await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, name));
    await api.create(
      API_GATEWAY_ROUTES,
      serviceRoute(namespace, 'chat', {
        destinationService: undefined,
        destinationPort: undefined,
        aiModelRef: { name: 'm1' },
        gateway: 'ai',
      }),
    );
    await kubectl(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'aimodel', '--all']);
    await kubectl(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'agr', '--all']);
    // Earlier tests' namespaces go first; then the last status writes and rollouts land: counting starts
    // once the API server has counted no write of the controller for 3 s.
    await waitForNamespaceDeletions(api);
    let previous: Map<string, number> | undefined;
    const settled = await waitFor(
      async () => {
        const now = await writesSoFar();
        const quiet = previous !== undefined && Object.keys(grownSeries(previous, now)).length === 0;
        previous = now;
        return quiet ? now : undefined;
      },
      {
        description: 'the controller to stop writing after everything is Ready',
        timeoutMs: 60_000,
        intervalMs: 3_000,
      },
    );
    await sleep(10_000);
    const idle = await writesSoFar();
    expect(await controller.stop()).toBe(0);
    const restarted = await ControllerProcess.start({ name: 'steady-restarted', args: args() });
    controller = restarted;
    // Four models and two gateways, each reconciled once from the fresh caches.
    await restarted.waitFor(
      'to reconcile every object once',
      async () => (await restarted.metric('controller_runtime_reconcile_total')) >= 6,
    );
    await sleep(10_000);
    const afterRestart = await writesSoFar();
    expect({ idle: grownSeries(settled, idle), afterRestart: grownSeries(idle, afterRestart) }).toEqual({
      idle: {},
      afterRestart: {},
    });
  });
});
