// Runs a process's controllers the way controller-runtime's manager does:
// 1. start every informer and wait (bounded) until all have synced;
// 2. if leader election is on, wait to acquire the Lease — standby replicas keep warm caches meanwhile;
// 3. start the controllers;
// 4. on stop() (SIGTERM/SIGINT): stop taking work, let reconciles in flight finish within the grace
//    period, release the Lease so a successor takes over at once, stop the informers; exit code 0;
// 5. on losing the Lease: abort all work at once and exit code 1, so Kubernetes restarts the process and
//    it campaigns again from a clean slate (continuing could race the new leader).
import type { Registry } from 'prom-client';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import type { Logger } from '../../../shared/logging/logger.ts';
import type { ReadinessCheck } from '../../../shared/observability/readiness-checks.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import type { Clock } from '../../../shared/time/clock.ts';
import { errorMessage } from '../../../shared/util/error-message.ts';
import type { ReflectorTuning } from '../cache/informer.ts';
import { InformerCache } from '../cache/informer-cache.ts';
import { Controller } from '../controller/controller.ts';
import type { ControllerOptions } from '../controller/controller.ts';
import { LeaderElector } from '../leader/leader-elector.ts';
import type { LeaderElectionTiming, LeadershipEnd } from '../leader/leader-elector.ts';
import { LeaseLock } from '../leader/lease-lock.ts';
import { runtimeMetrics } from '../metrics/runtime-metrics.ts';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.ts';

export interface LeaderElectionOptions {
  namespace: string;
  /** The Lease name, e.g. 'ai-gateway-operator-controller'. */
  name: string;
  identity?: string;
  timing?: Partial<LeaderElectionTiming>;
}

export interface ManagerOptions {
  api: KubeAPI;
  logger: Logger;
  registry: Registry;
  clock?: Clock;
  /** Omit to run without leader election (a single replica, or tests). */
  leaderElection?: LeaderElectionOptions;
  /** How long reconciles in flight may take to finish after a stop. */
  gracefulShutdownMs?: number;
  /** Giving up on unsynced caches exits non-zero, as controller-runtime's CacheSyncTimeout does. */
  cacheSyncTimeoutMs?: number;
  tuning?: ReflectorTuning;
  /** Jitter source of watch restarts and leader election retries; tests make it deterministic. */
  random?: () => number;
}

/** Where readiness checks are registered; the health server of shared/observability fits. */
export interface ReadinessRegistry {
  addReadinessCheck(name: string, check: ReadinessCheck): void;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;

const DEFAULT_GRACEFUL_SHUTDOWN_MS = 30_000;
const DEFAULT_CACHE_SYNC_TIMEOUT_MS = 120_000;
// Releasing the Lease is a courtesy to the successor; do not let it hold up the exit.
const RELEASE_TIMEOUT_MS = 5_000;

export class Manager {
  readonly cache: InformerCache;
  readonly metrics: RuntimeMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  private readonly opts: ManagerOptions;
  private readonly controllers: Controller[] = [];
  private readonly elector: LeaderElector | undefined;
  private readonly stopping = new AbortController();
  private started = false;

  constructor(opts: ManagerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
    this.metrics = runtimeMetrics(opts.registry);
    this.cache = new InformerCache({
      api: opts.api,
      clock: this.clock,
      logger: opts.logger,
      tuning: { ...opts.tuning, ...(opts.random ? { random: opts.random } : {}) },
    });
    const election = opts.leaderElection;
    this.elector = election
      ? new LeaderElector({
          lock: new LeaseLock(opts.api, election.namespace, election.name),
          clock: this.clock,
          logger: opts.logger,
          metrics: this.metrics,
          ...(election.identity ? { identity: election.identity } : {}),
          ...(election.timing ? { timing: election.timing } : {}),
          ...(opts.random ? { random: opts.random } : {}),
        })
      : undefined;
  }

  /** This process's leader election identity, when election is on. */
  get identity(): string | undefined {
    return this.elector?.identity;
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : this.started;
  }

  /** Creates a controller that starts once this manager leads. */
  addController(opts: Omit<ControllerOptions, 'clock' | 'logger' | 'metrics'>): Controller {
    const controller = new Controller({
      ...opts,
      clock: this.clock,
      logger: this.logger,
      metrics: this.metrics,
    });
    this.controllers.push(controller);
    return controller;
  }

  /** Registers the manager's readiness: every informer synced, none failing past its backoff. */
  registerReadiness(registry: ReadinessRegistry): void {
    registry.addReadinessCheck('informers', () => this.cache.readiness());
  }

  /** Asks for a graceful stop; run() then resolves with EXIT_OK. */
  stop(reason: string): void {
    if (this.stopping.signal.aborted) return;
    this.logger.info('stopping', { reason });
    this.stopping.abort();
  }

  /** Runs until stop() or until the Lease is lost; resolves with the exit code for the process. */
  async run(): Promise<number> {
    const stop = this.stopping.signal;
    const caches = new AbortController();
    this.cache.start(caches.signal);
    try {
      if (!(await this.waitForCaches(stop))) return stop.aborted ? EXIT_OK : EXIT_FAILURE;
      if (this.elector && !(await this.elector.acquire(stop))) return EXIT_OK;
      this.started = true;
      for (const c of this.controllers) {
        c.start().catch((err: unknown) =>
          this.logger.error('controller workers stopped on an error', {
            controller: c.name,
            error: errorMessage(err),
          }),
        );
      }
      // The lease is renewed until in-flight reconciles have drained, as controller-runtime stops its
      // runnables before leader election: a successor must not start while this process still works.
      const renewing = new AbortController();
      const leadership: Promise<LeadershipEnd> = this.elector
        ? this.elector.keepRenewing(renewing.signal)
        : new Promise<LeadershipEnd>(() => {});
      const stopped = new Promise<'stopped'>((resolve) => {
        if (stop.aborted) resolve('stopped');
        else stop.addEventListener('abort', () => resolve('stopped'), { once: true });
      });
      if ((await Promise.race([leadership, stopped])) === 'lost') return this.leaseLost();
      const drain = await Promise.race([this.drainControllers().then(() => 'drained' as const), leadership]);
      if (drain === 'lost') return this.leaseLost();
      renewing.abort();
      if (this.elector) await leadership;
      await this.releaseLease();
      return EXIT_OK;
    } finally {
      caches.abort();
      await this.cache.stopped();
      this.started = false;
    }
  }

  private leaseLost(): number {
    for (const c of this.controllers) c.abortNow('leader lease lost');
    this.logger.error('leader lease lost; exiting so that a restart campaigns afresh');
    return EXIT_FAILURE;
  }

  private async waitForCaches(stop: AbortSignal): Promise<boolean> {
    const timeoutMs = this.opts.cacheSyncTimeoutMs ?? DEFAULT_CACHE_SYNC_TIMEOUT_MS;
    const giveUp = new AbortController();
    const onStop = () => giveUp.abort();
    stop.addEventListener('abort', onStop, { once: true });
    const timer = this.clock.setTimer(() => giveUp.abort(), timeoutMs);
    try {
      const synced = await this.cache.waitForSync(giveUp.signal);
      if (!synced && !stop.aborted) {
        this.logger.error('caches did not sync in time', { timeoutMs, status: this.cache.readiness() });
      }
      return synced;
    } finally {
      timer.cancel();
      stop.removeEventListener('abort', onStop);
    }
  }

  private async drainControllers(): Promise<void> {
    const graceMs = this.opts.gracefulShutdownMs ?? DEFAULT_GRACEFUL_SHUTDOWN_MS;
    const drained = await Promise.all(this.controllers.map((c) => c.stop(graceMs)));
    if (drained.every(Boolean)) this.logger.info('all reconciles finished');
  }

  private async releaseLease(): Promise<void> {
    if (!this.elector) return;
    const deadline = new AbortController();
    const timer = this.clock.setTimer(() => deadline.abort(), RELEASE_TIMEOUT_MS);
    try {
      await this.elector.release(deadline.signal);
    } finally {
      timer.cancel();
    }
  }
}
