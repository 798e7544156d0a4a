import { afterEach, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { APIConnectionError } from '../../../shared/kube/api-error.ts';
import { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import { LEASES } from '../../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../../shared/logging/logger.ts';
import { FakeClock } from '../../../shared/time/testing/fake-clock.ts';
import { runtimeMetrics } from '../metrics/runtime-metrics.ts';
import { LeaderElectionConfigError, LeaderElector } from './leader-elector.ts';
import type { LeadershipEnd } from './leader-elector.ts';
import type { Lease } from './lease-lock.ts';
import { LeaseLock } from './lease-lock.ts';

const LEASE = { namespace: 'system', name: 'ai-gateway-operator' };
const aborts: AbortController[] = [];
afterEach(() => aborts.splice(0).forEach((c) => c.abort()));

function signal(): AbortController {
  const controller = new AbortController();
  aborts.push(controller);
  return controller;
}

function candidate(api: FakeKubeAPI, clock: FakeClock, identity: string, registry?: Registry) {
  return new LeaderElector({
    lock: new LeaseLock(api, LEASE.namespace, LEASE.name),
    identity,
    clock,
    logger: silentLogger,
    random: () => 0,
    ...(registry ? { metrics: runtimeMetrics(registry) } : {}),
  });
}

function lease(api: FakeKubeAPI): Lease | undefined {
  return api.peek<Lease>(LEASES, LEASE);
}

describe('LeaderElector', () => {
  it('creates the lease when there is none and holds it with MicroTime stamps', async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
    const registry = new Registry();
    const a = candidate(api, clock, 'a', registry);
    expect(await a.acquire(signal().signal)).toBe(true);
    expect(a.isLeader).toBe(true);
    expect(lease(api)?.spec).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-01T12:00:00.000000Z',
      renewTime: '2026-01-01T12:00:00.000000Z',
      leaseTransitions: 0,
    });
    expect(await registry.metrics()).toContain('leader_election_master_status{name="ai-gateway-operator"} 1');
  });

  it('renews every retry period, and a second candidate waits while the lease is renewed', async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock(0);
    const a = candidate(api, clock, 'a');
    const b = candidate(api, clock, 'b');
    await a.acquire(signal().signal);
    void a.keepRenewing(signal().signal);
    let bLeads = false;
    void b.acquire(signal().signal).then((won) => (bLeads = won));
    await clock.advance(60_000);
    expect(bLeads).toBe(false);
    expect(lease(api)?.spec?.renewTime).toBe('1970-01-01T00:01:00.000000Z');
  });

  it('lets a second candidate take over a lease nobody renews once it has been unchanged for 15 s', async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock(0);
    const a = candidate(api, clock, 'a');
    const b = candidate(api, clock, 'b');
    await a.acquire(signal().signal);
    let takenAt: number | undefined;
    void b.acquire(signal().signal).then(() => (takenAt = clock.now()));
    await clock.advance(14_000);
    expect(takenAt).toBeUndefined();
    await clock.advance(2_000);
    expect(takenAt).toBe(16_000);
    expect(lease(api)?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('hands over within one retry period after the leader releases the lease', async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock(0);
    const a = candidate(api, clock, 'a');
    const b = candidate(api, clock, 'b');
    await a.acquire(signal().signal);
    const renewing = signal();
    const aEnd = a.keepRenewing(renewing.signal);
    let takenAt: number | undefined;
    void b.acquire(signal().signal).then(() => (takenAt = clock.now()));
    await clock.advance(5_000);
    renewing.abort();
    expect(await aEnd).toBe('stopped');
    await a.release();
    expect(lease(api)?.spec?.holderIdentity).toBeUndefined();
    await clock.advance(2_000);
    expect(takenAt).toBe(6_000);
  });

  it('reports the lease lost when renewals fail until the renew deadline', async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock(0);
    const registry = new Registry();
    const a = candidate(api, clock, 'a', registry);
    await a.acquire(signal().signal);
    for (let i = 0; i < 10; i++)
      api.failNext('get', new APIConnectionError('GET', '/leases', new Error('ECONNREFUSED')));
    let end: LeadershipEnd | undefined;
    let endedAt = 0;
    void a.keepRenewing(signal().signal).then((e) => {
      end = e;
      endedAt = clock.now();
    });
    await clock.advance(9_999);
    expect(end).toBeUndefined();
    await clock.advance(2_000);
    expect(end).toBe('lost');
    expect(endedAt).toBe(10_000);
    expect(a.isLeader).toBe(false);
    expect(await registry.metrics()).toContain('leader_election_master_status{name="ai-gateway-operator"} 0');
  });

  it('reports the loss at the renew deadline even when it is not a multiple of the retry period', async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock(0);
    const a = new LeaderElector({
      lock: new LeaseLock(api, LEASE.namespace, LEASE.name),
      identity: 'a',
      clock,
      logger: silentLogger,
      random: () => 0,
      timing: { retryPeriodMs: 3_000 },
    });
    await a.acquire(signal().signal);
    for (let i = 0; i < 10; i++)
      api.failNext('get', new APIConnectionError('GET', '/leases', new Error('ECONNREFUSED')));
    let endedAt: number | undefined;
    void a.keepRenewing(signal().signal).then(() => (endedAt = clock.now()));
    await clock.advance(12_000);
    expect(endedAt).toBe(10_000);
  });

  it('gives up a renewal that hangs past the renew deadline', async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock(0);
    const a = candidate(api, clock, 'a');
    await a.acquire(signal().signal);
    api.get = () => new Promise(() => undefined);
    let end: LeadershipEnd | undefined;
    void a.keepRenewing(signal().signal).then((e) => (end = e));
    await clock.advance(10_000);
    expect(end).toBe('lost');
  });

  it('uses the resourceVersion so that only one of two racing candidates wins', async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock(0);
    const a = candidate(api, clock, 'a');
    await a.acquire(signal().signal);
    await a.release();
    api.failNext('replace', FakeKubeAPI.apiError('PUT', 409, 'Conflict', 'the object has been modified'));
    const b = candidate(api, clock, 'b');
    let bLeads = false;
    void b.acquire(signal().signal).then((won) => (bLeads = won));
    await clock.advance(0);
    expect(bLeads).toBe(false);
    await clock.advance(2_000);
    expect(bLeads).toBe(true);
  });

  it('refuses timings where the lease could expire before the leader notices', () => {
    const lock = new LeaseLock(new FakeKubeAPI(), 'ns', 'l');
    const clock = new FakeClock();
    expect(
      () =>
        new LeaderElector({
          lock,
          clock,
          logger: silentLogger,
          timing: { leaseDurationMs: 10_000, renewDeadlineMs: 10_000 },
        }),
    ).toThrow(LeaderElectionConfigError);
  });
  it("dates what it saw by when the answer arrived, so a slow read does not shorten the holder's lease", async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock(0);
    api.seed(LEASES, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...LEASE },
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15 },
    });
    // The first read is answered only 6 s after it was sent: the holder's record is news to b from then on.
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    let first = true;
    const lock = new LeaseLock(api, LEASE.namespace, LEASE.name);
    const slowLock = Object.assign(Object.create(lock) as LeaseLock, {
      get: async (s?: AbortSignal) => {
        if (first) {
          first = false;
          await answered;
        }
        return lock.get(s);
      },
    });
    const b = new LeaderElector({
      lock: slowLock,
      identity: 'b',
      clock,
      logger: silentLogger,
      random: () => 0,
    });
    const acquired = b.acquire(signal().signal);
    await clock.advance(6_000);
    answer();
    // Expired 15 s after b learnt of it (t = 21 s), not 15 s after b asked (t = 15 s).
    await clock.advance(14_000);
    expect(b.isLeader).toBe(false);
    await clock.advance(2_000);
    expect(await acquired).toBe(true);
    expect(lease(api)?.spec?.holderIdentity).toBe('b');
  });
});
