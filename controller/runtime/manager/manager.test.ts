import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { APIConnectionError } from '../../../shared/kube/api-error.ts';
import { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import { CONFIG_MAPS, LEASES } from '../../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../../shared/logging/logger.ts';
import type { ReadinessCheck } from '../../../shared/observability/readiness-checks.ts';
import { FakeClock } from '../../../shared/time/testing/fake-clock.ts';
import type { ReconcileContext, ReconcileRequest, Reconciler } from '../controller/reconciler.ts';
import { enqueueForObject } from '../handlers/enqueue.ts';
import type { Lease } from '../leader/lease-lock.ts';
import { EXIT_FAILURE, EXIT_OK, Manager } from './manager.ts';
import type { LeaderElectionOptions } from './manager.ts';

const LEASE = { namespace: 'system', name: 'operator' };

function configMap(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' } };
}

class RecordingReconciler implements Reconciler {
  readonly seen: string[] = [];
  hold: Promise<void> | undefined;
  aborted: unknown;
  async reconcile(request: ReconcileRequest, ctx: ReconcileContext): Promise<void> {
    this.seen.push(request.name);
    ctx.signal.addEventListener('abort', () => (this.aborted = ctx.signal.reason));
    if (this.hold) await this.hold;
  }
}

function newManager(
  api: FakeKubeAPI,
  clock: FakeClock,
  leaderElection?: LeaderElectionOptions,
  gracefulShutdownMs = 10_000,
) {
  const manager = new Manager({
    api,
    clock,
    logger: silentLogger,
    registry: new Registry(),
    random: () => 0,
    cacheSyncTimeoutMs: 60_000,
    gracefulShutdownMs,
    ...(leaderElection ? { leaderElection: { ...leaderElection, timing: {} } } : {}),
  });
  const reconciler = new RecordingReconciler();
  const informer = manager.cache.informer(CONFIG_MAPS);
  manager.addController({ name: 'configmaps', reconciler }).watch(informer, enqueueForObject());
  return { manager, reconciler };
}

function settleOutcome(run: Promise<number>) {
  const outcome: { code?: number } = {};
  void run.then((code) => (outcome.code = code));
  return outcome;
}

describe('Manager', () => {
  it('syncs caches, runs controllers, and on stop finishes in-flight work and exits 0', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'));
    const clock = new FakeClock(0);
    const { manager, reconciler } = newManager(api, clock);
    let release: () => void = () => undefined;
    reconciler.hold = new Promise((resolve) => (release = resolve));
    const outcome = settleOutcome(manager.run());
    await clock.advance(0);
    expect(reconciler.seen).toEqual(['a']);

    manager.stop('test');
    await api.create(CONFIG_MAPS, configMap('b'));
    await clock.advance(1000);
    expect(outcome.code).toBeUndefined();
    release();
    await clock.advance(0);
    expect(outcome.code).toBe(EXIT_OK);
    expect(reconciler.seen).toEqual(['a']);
    expect(reconciler.aborted).toBeUndefined();
    expect(api.openWatches).toBe(0);
  });

  it('reports readiness only once every informer has synced', async () => {
    const api = new FakeKubeAPI();
    api.failNext('list', FakeKubeAPI.apiError('GET', 503, 'ServiceUnavailable'));
    const clock = new FakeClock(0);
    const { manager } = newManager(api, clock);
    const checks = new Map<string, ReadinessCheck>();
    manager.registerReadiness({ addReadinessCheck: (name, check) => checks.set(name, check) });
    const outcome = settleOutcome(manager.run());
    await clock.advance(0);
    expect(checks.get('informers')?.()).toMatchObject({ ok: false });
    await clock.advance(800);
    expect(checks.get('informers')?.()).toEqual({ ok: true });
    manager.stop('test');
    await clock.advance(0);
    expect(outcome.code).toBe(EXIT_OK);
  });

  it('exits non-zero when caches do not sync within the timeout', async () => {
    const api = new FakeKubeAPI();
    for (let i = 0; i < 20; i++) api.failNext('list', FakeKubeAPI.apiError('GET', 403, 'Forbidden'));
    const clock = new FakeClock(0);
    const { manager, reconciler } = newManager(api, clock);
    const outcome = settleOutcome(manager.run());
    await clock.advance(60_000);
    expect(outcome.code).toBe(EXIT_FAILURE);
    expect(reconciler.seen).toEqual([]);
  });

  it('runs controllers only on the leader; the standby takes over after the leader stops and releases', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'));
    const clock = new FakeClock(0);
    const first = newManager(api, clock, { ...LEASE, identity: 'first' });
    const second = newManager(api, clock, { ...LEASE, identity: 'second' });
    const firstOutcome = settleOutcome(first.manager.run());
    await clock.advance(0);
    const secondOutcome = settleOutcome(second.manager.run());
    await clock.advance(20_000);
    expect(first.reconciler.seen).toEqual(['a']);
    expect(second.reconciler.seen).toEqual([]);
    expect(second.manager.isLeader).toBe(false);

    first.manager.stop('rolling update');
    await clock.advance(0);
    expect(firstOutcome.code).toBe(EXIT_OK);
    expect(api.peek<Lease>(LEASES, LEASE)?.spec?.holderIdentity).toBeUndefined();
    await clock.advance(2_000);
    expect(second.manager.isLeader).toBe(true);
    expect(second.reconciler.seen).toEqual(['a']);

    second.manager.stop('test');
    await clock.advance(0);
    expect(secondOutcome.code).toBe(EXIT_OK);
  });

  it('keeps the lease while in-flight work drains after stop, so the standby cannot start alongside it', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'));
    const clock = new FakeClock(0);
    const first = newManager(api, clock, { ...LEASE, identity: 'first' }, 60_000);
    const second = newManager(api, clock, { ...LEASE, identity: 'second' });
    let release: () => void = () => undefined;
    first.reconciler.hold = new Promise((resolve) => (release = resolve));
    const firstOutcome = settleOutcome(first.manager.run());
    await clock.advance(0);
    const secondOutcome = settleOutcome(second.manager.run());
    await clock.advance(2_000);
    expect(first.reconciler.seen).toEqual(['a']);

    first.manager.stop('rolling update');
    // A drain longer than the 15 s lease: the leader keeps renewing, and the standby keeps waiting.
    await clock.advance(40_000);
    expect(firstOutcome.code).toBeUndefined();
    expect(first.manager.isLeader).toBe(true);
    expect(second.manager.isLeader).toBe(false);
    expect(api.peek<Lease>(LEASES, LEASE)?.spec?.holderIdentity).toBe('first');
    expect(first.reconciler.aborted).toBeUndefined();

    release();
    await clock.advance(0);
    expect(firstOutcome.code).toBe(EXIT_OK);
    expect(api.peek<Lease>(LEASES, LEASE)?.spec?.holderIdentity).toBeUndefined();
    await clock.advance(2_000);
    expect(second.manager.isLeader).toBe(true);
    second.manager.stop('test');
    await clock.advance(0);
    expect(secondOutcome.code).toBe(EXIT_OK);
  });

  it('aborts the draining work and exits non-zero when the lease is lost during the drain', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'));
    const clock = new FakeClock(0);
    const { manager, reconciler } = newManager(api, clock, { ...LEASE, identity: 'only' }, 60_000);
    reconciler.hold = new Promise(() => undefined);
    const outcome = settleOutcome(manager.run());
    await clock.advance(0);
    manager.stop('rolling update');
    for (let i = 0; i < 10; i++)
      api.failNext('get', new APIConnectionError('GET', '/leases', new Error('ECONNREFUSED')));
    await clock.advance(9_999);
    expect(outcome.code).toBeUndefined();
    await clock.advance(1);
    expect(outcome.code).toBe(EXIT_FAILURE);
    expect(reconciler.aborted).toMatchObject({ message: expect.stringMatching(/lease lost/) });
  });

  it('on losing the lease aborts work at once and exits non-zero', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'));
    const clock = new FakeClock(0);
    const { manager, reconciler } = newManager(api, clock, { ...LEASE, identity: 'only' });
    reconciler.hold = new Promise(() => undefined);
    const outcome = settleOutcome(manager.run());
    await clock.advance(0);
    expect(reconciler.seen).toEqual(['a']);
    for (let i = 0; i < 10; i++)
      api.failNext('get', new APIConnectionError('GET', '/leases', new Error('ECONNREFUSED')));
    await clock.advance(10_000);
    expect(outcome.code).toBe(EXIT_FAILURE);
    expect(reconciler.aborted).toMatchObject({
      name: 'ControllerStoppedError',
      message: expect.stringMatching(/lease lost/),
    });
  });

  it('exits 0 without reconciling when stopped while still waiting for the lease', async () => {
    const api = new FakeKubeAPI();
    api.seed(LEASES, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...LEASE },
      spec: { holderIdentity: 'someone-else', leaseDurationSeconds: 15 },
    });
    const clock = new FakeClock(0);
    const { manager, reconciler } = newManager(api, clock, { ...LEASE, identity: 'waiting' });
    const outcome = settleOutcome(manager.run());
    await clock.advance(5_000);
    manager.stop('test');
    await clock.advance(0);
    expect(outcome.code).toBe(EXIT_OK);
    expect(reconciler.seen).toEqual([]);
  });
});
