// Two managers sharing one Lease on a real API server: only the leader reconciles; when it stops it
// releases the Lease and the standby takes over at once; when it is cut off from the API server it
// loses the Lease, aborts its work and exits non-zero, and the standby takes over once the Lease expires.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Registry } from 'prom-client';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import { CONFIG_MAPS, LEASES } from '../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import type {
  ReconcileContext,
  ReconcileRequest,
  Reconciler,
} from '../../controller/runtime/controller/reconciler.ts';
import { enqueueForObject } from '../../controller/runtime/handlers/enqueue.ts';
import type { LeaderElectionTiming } from '../../controller/runtime/leader/leader-elector.ts';
import type { Lease } from '../../controller/runtime/leader/lease-lock.ts';
import { EXIT_FAILURE, EXIT_OK, Manager } from '../../controller/runtime/manager/manager.ts';
import { waitFor } from '../setup/cluster-env.ts';
import {
  clusterAPI,
  configMap,
  createNamespace,
  deleteNamespace,
  startAPIServerProxy,
} from './support/cluster-api.ts';
import type { TCPProxy } from './support/tcp-proxy.ts';

// Each test waits on a real API server (and on lease expiry); jest's 5 s default is too short.
const TEST_TIMEOUT_MS = 60_000;

const LABEL = { 'e2e.example.com/suite': 'leader-election' };
const direct = clusterAPI();
let namespace = '';
let proxy: TCPProxy;
const running: Manager[] = [];

beforeAll(async () => {
  namespace = await createNamespace(direct, 'crt-leader');
  proxy = await startAPIServerProxy();
});

afterAll(async () => {
  for (const m of running) m.stop('test over');
  await proxy.close();
  await deleteNamespace(direct, namespace);
});

/** Records what it reconciles; objects named slow-* hold their reconcile open until it is aborted. */
class RecordingReconciler implements Reconciler {
  readonly reconciled: string[] = [];
  abortedBy: unknown;
  async reconcile(request: ReconcileRequest, ctx: ReconcileContext): Promise<void> {
    this.reconciled.push(request.name);
    if (!request.name.startsWith('slow-')) return;
    await new Promise<void>((resolve) =>
      ctx.signal.addEventListener('abort', () => {
        this.abortedBy = ctx.signal.reason;
        resolve();
      }),
    );
  }
}

function synced(manager: Manager): boolean {
  const readiness = manager.cache.readiness();
  return readiness === true || (typeof readiness === 'object' && readiness.ok);
}

function startManager(api: KubeAPI, lease: string, identity: string, timing?: Partial<LeaderElectionTiming>) {
  const manager = new Manager({
    api,
    logger: silentLogger,
    registry: new Registry(),
    leaderElection: { namespace, name: lease, identity, ...(timing ? { timing } : {}) },
    gracefulShutdownMs: 5_000,
  });
  const reconciler = new RecordingReconciler();
  const informer = manager.cache.informer(CONFIG_MAPS, {
    selector: { namespace, labelSelector: 'e2e.example.com/suite=leader-election' },
  });
  manager.addController({ name: `configmaps-${identity}`, reconciler }).watch(informer, enqueueForObject());
  running.push(manager);
  return { manager, reconciler, exit: manager.run() };
}

async function holder(lease: string): Promise<string | undefined> {
  return (await direct.get<Lease>(LEASES, { namespace, name: lease })).spec?.holderIdentity;
}

describe('leader election on a real API server', () => {
  test(
    'only the leader reconciles; after it stops and releases, the standby takes over at once',
    async () => {
      await direct.create(CONFIG_MAPS, configMap(namespace, 'first', LABEL));
      const one = startManager(direct, 'handover', 'one');
      await waitFor(() => one.manager.isLeader, { description: 'one to lead', timeoutMs: 20_000 });
      const two = startManager(clusterAPI(), 'handover', 'two');
      await waitFor(() => one.reconciler.reconciled.includes('first'), {
        description: 'one to reconcile',
        timeoutMs: 10_000,
      });
      await waitFor(() => synced(two.manager), {
        description: 'two to have synced caches',
        timeoutMs: 10_000,
      });
      expect(two.manager.isLeader).toBe(false);
      expect(await holder('handover')).toBe('one');

      one.manager.stop('rolling update');
      expect(await one.exit).toBe(EXIT_OK);
      const releasedAt = Date.now();
      await waitFor(() => two.manager.isLeader, { description: 'two to take over', timeoutMs: 10_000 });
      expect(Date.now() - releasedAt).toBeLessThan(5_000);
      expect(await holder('handover')).toBe('two');

      await direct.create(CONFIG_MAPS, configMap(namespace, 'second', LABEL));
      await waitFor(() => two.reconciler.reconciled.includes('second'), {
        description: 'two to reconcile',
        timeoutMs: 10_000,
      });
      expect(two.reconciler.reconciled).toContain('first');
      expect(one.reconciler.reconciled).not.toContain('second');

      two.manager.stop('test over');
      expect(await two.exit).toBe(EXIT_OK);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a leader cut off from the API server loses the lease, aborts its work and exits non-zero',
    async () => {
      const timing = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 };
      const isolated = startManager(clusterAPI(proxy.port), 'partition', 'isolated', timing);
      await waitFor(() => isolated.manager.isLeader, { description: 'isolated to lead', timeoutMs: 20_000 });
      const standby = startManager(clusterAPI(), 'partition', 'standby', timing);
      await direct.create(CONFIG_MAPS, configMap(namespace, 'slow-partition', LABEL));
      await waitFor(() => isolated.reconciler.reconciled.includes('slow-partition'), {
        description: 'isolated to be in the middle of a reconcile',
        timeoutMs: 10_000,
      });

      proxy.refuseNew(true);
      proxy.cutAll();
      const cutAt = Date.now();
      // The safety property itself: the isolated leader has stopped before the standby can lead. Both run
      // in this process, so a slow machine delays them alike.
      const exited = await isolated.exit.then((code) => ({ code, standbyLeads: standby.manager.isLeader }));
      expect(exited).toEqual({ code: EXIT_FAILURE, standbyLeads: false });
      // Lost at the renew deadline (3 s after its last renewal), not at some later retry.
      expect(Date.now() - cutAt).toBeLessThan(10_000);
      expect(isolated.reconciler.abortedBy).toMatchObject({ name: 'ControllerStoppedError' });

      await waitFor(() => standby.manager.isLeader, {
        description: 'standby to take over',
        timeoutMs: 15_000,
      });
      expect(await holder('partition')).toBe('standby');
      await waitFor(() => standby.reconciler.reconciled.includes('slow-partition'), {
        description: 'standby to reconcile',
        timeoutMs: 10_000,
      });
      proxy.refuseNew(false);

      standby.manager.stop('test over');
      expect(await standby.exit).toBe(EXIT_OK);
    },
    TEST_TIMEOUT_MS,
  );
});
