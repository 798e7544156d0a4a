// Leader election over a Lease, with client-go's rules and timings (15 s lease, 10 s renew deadline,
// 2 s retry period):
// - a candidate takes the lease when it is free (no holder) or when its record has not changed for a
//   whole lease duration, as measured on the candidate's own clock (so clock skew between nodes does
//   not matter);
// - the leader renews every retry period; if it cannot renew for the renew deadline it has lost the
//   lease and must stop working at once, before anyone else may take it over;
// - on a clean shutdown the leader releases the lease by clearing holderIdentity, so a successor takes
//   over within one retry period instead of waiting out the lease.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isAlreadyExists, isConflict } from '../../../shared/kube/api-error.ts';
import { toMicroTime } from '../../../shared/kube/micro-time.ts';
import type { Logger } from '../../../shared/logging/logger.ts';
import { sleep } from '../../../shared/time/clock.ts';
import type { Clock } from '../../../shared/time/clock.ts';
import { errorMessage } from '../../../shared/util/error-message.ts';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.ts';
import type { Lease, LeaseLock, LeaseSpec } from './lease-lock.ts';

export interface LeaderElectionTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

const DEFAULT_LEADER_ELECTION_TIMING: LeaderElectionTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderElectorOptions {
  lock: LeaseLock;
  /** Unique per process; defaults to hostname plus a random suffix. */
  identity?: string;
  clock: Clock;
  logger: Logger;
  metrics?: RuntimeMetrics;
  timing?: Partial<LeaderElectionTiming>;
  random?: () => number;
}

export class LeaderElectionConfigError extends Error {
  readonly timing: LeaderElectionTiming;
  constructor(message: string, timing: LeaderElectionTiming) {
    super(`leader election: ${message}`);
    this.name = 'LeaderElectionConfigError';
    this.timing = timing;
  }
}

export type LeadershipEnd = 'lost' | 'stopped';

// client-go spreads retries by up to 20% so candidates do not hit the API server in step.
const RETRY_JITTER = 0.2;

export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

export class LeaderElector {
  readonly identity: string;
  private readonly lock: LeaseLock;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: RuntimeMetrics | undefined;
  private readonly timing: LeaderElectionTiming;
  private readonly random: () => number;
  private observedRecord = '';
  private observedHolder: string | undefined;
  private observedAt = 0;
  private lastRenewAt = 0;
  private leading = false;

  constructor(opts: LeaderElectorOptions) {
    const timing = { ...DEFAULT_LEADER_ELECTION_TIMING, ...opts.timing };
    if (timing.leaseDurationMs <= timing.renewDeadlineMs) {
      throw new LeaderElectionConfigError('lease duration must be longer than the renew deadline', timing);
    }
    if (timing.renewDeadlineMs <= timing.retryPeriodMs * (1 + RETRY_JITTER)) {
      throw new LeaderElectionConfigError('renew deadline must exceed the jittered retry period', timing);
    }
    this.timing = timing;
    this.lock = opts.lock;
    this.identity = opts.identity ?? defaultIdentity();
    this.clock = opts.clock;
    this.metrics = opts.metrics;
    this.random = opts.random ?? Math.random;
    this.logger = opts.logger.child({
      lease: `${opts.lock.namespace}/${opts.lock.name}`,
      identity: this.identity,
    });
    this.setLeading(false);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries every retry period until this process holds the lease (true) or `signal` aborts (false). */
  async acquire(signal: AbortSignal): Promise<boolean> {
    this.logger.info('waiting to acquire the leader lease');
    while (!signal.aborted) {
      const attemptAt = this.clock.now();
      if (await this.tryAcquireOrRenew(signal)) {
        this.lastRenewAt = attemptAt;
        this.setLeading(true);
        this.logger.info('acquired the leader lease');
        return true;
      }
      await sleep(this.clock, this.jittered(this.timing.retryPeriodMs), signal);
    }
    return false;
  }

  /**
   * Renews every retry period while leading. Resolves 'lost' as soon as the renew deadline passes without
   * a successful renewal (or someone else holds the lease), 'stopped' when `signal` aborts.
   */
  async keepRenewing(signal: AbortSignal): Promise<LeadershipEnd> {
    while (!signal.aborted) {
      const deadline = this.lastRenewAt + this.timing.renewDeadlineMs;
      // Never sleep past the deadline: after fast failures (connection refused) the loss must be
      // noticed at the deadline, not up to a retry period later while a successor may take over.
      const untilDeadline = Math.max(0, deadline - this.clock.now());
      await sleep(this.clock, Math.min(this.timing.retryPeriodMs, untilDeadline), signal);
      if (signal.aborted) break;
      // The renewal counts from when it was sent, not when its answer came: others may date it from then.
      const attemptAt = this.clock.now();
      const renewed =
        attemptAt < deadline &&
        (await this.withDeadline(deadline, (attempt) => this.tryAcquireOrRenew(attempt)));
      if (renewed) {
        this.lastRenewAt = attemptAt;
        continue;
      }
      if (this.clock.now() >= deadline || this.heldByOther()) {
        this.setLeading(false);
        this.logger.error('lost the leader lease', { sinceLastRenewMs: this.clock.now() - this.lastRenewAt });
        return 'lost';
      }
    }
    return 'stopped';
  }

  /** Gives the lease up so a successor need not wait for it to expire; no-op unless leading. */
  async release(signal?: AbortSignal): Promise<void> {
    if (!this.leading) return;
    this.setLeading(false);
    try {
      const lease = await this.lock.get(signal);
      if (!lease || lease.spec?.holderIdentity !== this.identity) return;
      const now = toMicroTime(this.clock.now());
      const { holderIdentity: _released, ...rest } = lease.spec;
      await this.lock.update(
        lease,
        { ...rest, leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
        signal,
      );
      this.logger.info('released the leader lease');
    } catch (err) {
      // The lease then simply expires; a successor waits one lease duration longer.
      this.logger.warn('could not release the leader lease', { error: errorMessage(err) });
    }
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    const desired = (current: LeaseSpec | undefined): LeaseSpec => {
      const renewing = current?.holderIdentity === this.identity;
      return {
        holderIdentity: this.identity,
        leaseDurationSeconds: Math.round(this.timing.leaseDurationMs / 1000),
        acquireTime: renewing && current?.acquireTime ? current.acquireTime : toMicroTime(now),
        renewTime: toMicroTime(now),
        leaseTransitions: renewing ? (current?.leaseTransitions ?? 0) : (current?.leaseTransitions ?? -1) + 1,
      };
    };
    try {
      const lease = await this.lock.get(signal);
      if (!lease) {
        this.observe(await this.lock.create(desired(undefined), signal));
        return true;
      }
      // Dated when the answer arrived, as client-go does: a slow GET must not shorten another's lease.
      this.observe(lease);
      const holder = lease.spec?.holderIdentity;
      if (holder && holder !== this.identity && !this.observedExpired(lease)) return false;
      this.observe(await this.lock.update(lease, desired(lease.spec), signal));
      return true;
    } catch (err) {
      if (isConflict(err) || isAlreadyExists(err)) {
        this.logger.debug('lost a race for the leader lease', { error: errorMessage(err) });
      } else if (!signal.aborted) {
        this.logger.warn('leader lease request failed', { error: errorMessage(err) });
      }
      return false;
    }
  }

  /** Remembers when the lease record last changed, by our clock, at the moment we learnt of it. */
  private observe(lease: Lease): void {
    const record = JSON.stringify(lease.spec ?? {});
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedHolder = lease.spec?.holderIdentity;
      this.observedAt = this.clock.now();
    }
  }

  private observedExpired(lease: Lease): boolean {
    const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
    return this.observedAt + durationMs <= this.clock.now();
  }

  private heldByOther(): boolean {
    return !!this.observedHolder && this.observedHolder !== this.identity;
  }

  /** Runs `attempt`, aborting it (result false) once `deadline` passes. */
  private async withDeadline(
    deadline: number,
    attempt: (signal: AbortSignal) => Promise<boolean>,
  ): Promise<boolean> {
    const controller = new AbortController();
    const timer = this.clock.setTimer(() => controller.abort(), deadline - this.clock.now());
    try {
      const expired = new Promise<boolean>((resolve) =>
        controller.signal.addEventListener('abort', () => resolve(false), { once: true }),
      );
      return await Promise.race([attempt(controller.signal), expired]);
    } finally {
      timer.cancel();
      controller.abort();
    }
  }

  private jittered(ms: number): number {
    return Math.round(ms * (1 + RETRY_JITTER * this.random()));
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    this.metrics?.leaderElectionMasterStatus.set({ name: this.lock.name }, leading ? 1 : 0);
  }
}
