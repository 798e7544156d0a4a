// Two leader-elected managers caching 300 objects while a writer keeps changing them: the API server
// restarts three times in a row, and after each both caches must catch up soon after it answers again
// (its new watch cache answers the old resourceVersions 410, so they relist); then the leader dies without releasing the Lease and the
// standby must take over and reconcile. The measured times are printed, not asserted tightly: this
// machine is shared, and the bounds here only catch a cache or a standby that never recovers.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Registry } from 'prom-client';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import { CONFIG_MAPS } from '../../shared/kube/well-known-resources.ts';
import { errorMessage } from '../../shared/util/error-message.ts';
import type {
  ReconcileContext,
  ReconcileRequest,
  Reconciler,
} from '../../controller/runtime/controller/reconciler.ts';
import type { Informer } from '../../controller/runtime/cache/informer.ts';
import { enqueueForObject } from '../../controller/runtime/handlers/enqueue.ts';
import type { LeaderElectionTiming } from '../../controller/runtime/leader/leader-elector.ts';
import { Manager } from '../../controller/runtime/manager/manager.ts';
import { e2eCluster, waitFor } from '../setup/cluster-env.ts';
import { CountingAPI } from './support/counting-api.ts';
import {
  clusterAPI,
  configMap,
  createNamespace,
  deleteNamespace,
  startAPIServerProxy,
} from './support/cluster-api.ts';
import { recordingLogger } from './support/recording-logger.ts';
import type { LogEntry } from './support/recording-logger.ts';
import type { TCPProxy } from './support/tcp-proxy.ts';

const TEST_TIMEOUT_MS = 300_000;
const OBJECTS = 300;
const RESTARTS = 3;
// Generous: a cache that has not caught up after this has not recovered by itself.
const RECOVERY_BOUND_MS = 60_000;

const LABEL = { 'e2e.example.com/suite': 'apiserver-restart' };
const SELECTOR = 'e2e.example.com/suite=apiserver-restart';
const direct = clusterAPI();
let namespace = '';
const managers: Manager[] = [];
const proxies: TCPProxy[] = [];

function report(figures: Record<string, unknown>): void {
  process.stderr.write(`[apiserver-restart] ${JSON.stringify(figures)}\n`);
}

class RecordingReconciler implements Reconciler {
  readonly reconciledAt = new Map<string, number>();
  async reconcile(request: ReconcileRequest, _ctx: ReconcileContext): Promise<void> {
    this.reconciledAt.set(request.name, Date.now());
  }
}

interface Replica {
  identity: string;
  manager: Manager;
  informer: Informer;
  reconciler: RecordingReconciler;
  counting: CountingAPI;
  exit: Promise<number>;
  exitCode: number | undefined;
}

function startReplica(
  identity: string,
  lease: string,
  api: KubeAPI,
  log: LogEntry[],
  timing?: Partial<LeaderElectionTiming>,
): Replica {
  const counting = new CountingAPI(api);
  const manager = new Manager({
    api: counting.api,
    logger: recordingLogger(log, { replica: identity }),
    registry: new Registry(),
    leaderElection: { namespace, name: lease, identity, ...(timing ? { timing } : {}) },
    gracefulShutdownMs: 2_000,
  });
  const informer = manager.cache.informer(CONFIG_MAPS, { selector: { namespace, labelSelector: SELECTOR } });
  const reconciler = new RecordingReconciler();
  manager.addController({ name: `configmaps-${identity}`, reconciler }).watch(informer, enqueueForObject());
  managers.push(manager);
  const replica: Replica = {
    identity,
    manager,
    informer,
    reconciler,
    counting,
    exit: manager.run(),
    exitCode: undefined,
  };
  void replica.exit.then((code) => (replica.exitCode = code));
  return replica;
}

/** Patches the objects one after another until stopped, ignoring failures while the server is away. */
function startWriter(): { stop: () => Promise<number> } {
  let running = true;
  let writes = 0;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      try {
        await direct.patch(CONFIG_MAPS, { namespace, name: `cm-${i % OBJECTS}` }, 'merge', {
          data: { write: String(i) },
        });
        writes++;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return writes;
    },
  };
}

async function createWithRetry(name: string): Promise<void> {
  await waitFor(
    async () => {
      await direct.create(CONFIG_MAPS, configMap(namespace, name, LABEL));
      return true;
    },
    { description: `ConfigMap ${name} to be created`, timeoutMs: 30_000, intervalMs: 100 },
  );
}

/** The reflectors' retries since `since`: when (ms after it), after what, and how long they waited. */
function retries(log: LogEntry[], since: number): string[] {
  return log
    .filter((e) => e.at >= since && typeof e.fields.retryInMs === 'number')
    .map((e) => `+${e.at - since} ms ${e.fields.replica}: ${e.fields.retryInMs} ms after ${e.fields.error}`);
}

beforeAll(async () => {
  namespace = await createNamespace(direct, 'crt-restart');
  const names = Array.from({ length: OBJECTS }, (_, i) => `cm-${i}`);
  for (let i = 0; i < names.length; i += 20) {
    await Promise.all(
      names.slice(i, i + 20).map((name) => direct.create(CONFIG_MAPS, configMap(namespace, name, LABEL))),
    );
  }
});

afterAll(async () => {
  for (const m of managers) m.stop('test over');
  for (const p of proxies) await p.close();
  await deleteNamespace(direct, namespace);
});

describe('an API server restart and a dead leader, under load', () => {
  test(
    'both caches catch up soon after the restarted API server answers, restart after restart',
    async () => {
      const log: LogEntry[] = [];
      // A Lease that outlives the restarts, so that both replicas keep running and caching throughout
      // (with the default 10 s renew deadline, a leader cut off that long exits, as it should).
      const timing = { leaseDurationMs: 60_000, renewDeadlineMs: 45_000, retryPeriodMs: 2_000 };
      const replicas = [
        startReplica('one', 'restart', clusterAPI(), log, timing),
        startReplica('two', 'restart', clusterAPI(), log, timing),
      ];
      await waitFor(() => replicas.some((r) => r.manager.isLeader), {
        description: 'a leader',
        timeoutMs: 30_000,
      });
      for (const r of replicas) {
        await waitFor(() => r.informer.store.list().length === OBJECTS, {
          description: `${r.identity} to cache every object`,
          timeoutMs: 30_000,
        });
      }
      const writer = startWriter();
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      // Back to back, as a crash-looping or repeatedly upgraded API server does: each outage adds to the
      // failures a reflector has seen within its backoff's reset period.
      for (let round = 1; round <= RESTARTS; round++) {
        const restartedAt = Date.now();
        await e2eCluster().restartAPIServer();
        const answersAt = Date.now();
        const marker = `after-restart-${round}`;
        await createWithRetry(marker);
        const caughtUp = await Promise.all(
          replicas.map(async (r) => {
            await waitFor(() => r.informer.store.get({ namespace, name: marker }) !== undefined, {
              description: `${r.identity}'s cache to show ${marker}`,
              timeoutMs: RECOVERY_BOUND_MS,
              intervalMs: 50,
            });
            return { replica: r.identity, ms: Date.now() - answersAt, lists: r.counting.count('list') };
          }),
        );
        report({
          test: 'restart',
          round,
          apiServerAwayMs: answersAt - restartedAt,
          caughtUpAfterAnswering: caughtUp,
          retries: retries(log, restartedAt),
        });
      }
      const writes = await writer.stop();
      report({ test: 'restart', objects: OBJECTS, writesDuringTest: writes });
      for (const r of replicas) {
        expect(r.exitCode).toBeUndefined();
        expect(r.informer.health()).toMatchObject({ synced: true, healthy: true });
        expect(r.informer.store.list()).toHaveLength(OBJECTS + RESTARTS);
      }
      for (const m of managers.splice(0)) m.stop('next test');
      await Promise.all(replicas.map((r) => r.exit));
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'when the leader dies without releasing the Lease, the standby takes over and reconciles',
    async () => {
      const log: LogEntry[] = [];
      const proxy = await startAPIServerProxy();
      proxies.push(proxy);
      const leader = startReplica('doomed', 'takeover', clusterAPI(proxy.port), log);
      await waitFor(() => leader.manager.isLeader, { description: 'doomed to lead', timeoutMs: 30_000 });
      const standby = startReplica('standby', 'takeover', clusterAPI(), log);
      await waitFor(() => standby.informer.store.list().length >= OBJECTS, {
        description: 'the standby to cache every object',
        timeoutMs: 30_000,
      });
      const writer = startWriter();

      // A crash, as the cluster sees it: connections dropped, nothing answers, the Lease is not released.
      proxy.refuseNew(true);
      proxy.cutAll();
      const killedAt = Date.now();
      await createWithRetry('after-kill');
      await waitFor(() => standby.reconciler.reconciledAt.has('after-kill'), {
        description: 'the standby to reconcile the object created after the kill',
        timeoutMs: RECOVERY_BOUND_MS,
        intervalMs: 50,
      }).catch((err: unknown) => {
        throw new Error(`${errorMessage(err)}; standby leads: ${standby.manager.isLeader}`, { cause: err });
      });
      const reconciledAt = standby.reconciler.reconciledAt.get('after-kill') ?? Date.now();
      const writes = await writer.stop();
      const leadingAt = log.find((e) => e.fields.replica === 'standby' && /acquired/.test(e.message))?.at;
      report({
        test: 'takeover',
        objects: OBJECTS,
        writesDuringTest: writes,
        leaseAcquiredMsAfterKill: leadingAt === undefined ? undefined : leadingAt - killedAt,
        reconciledMsAfterKill: reconciledAt - killedAt,
      });
      expect(await leader.exit).toBe(1);
      expect(standby.manager.isLeader).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});
