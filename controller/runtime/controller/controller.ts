// Runs one Reconciler: cache events become keys in a WorkQueue, N workers take keys and reconcile them.
// Results map to controller-runtime's semantics:
// - success: forget the key's backoff;
// - { requeueAfter }: forget the backoff and come back after that delay;
// - TerminalError (or an error wrapping one in its cause chain): log and count, do not retry until the
//   object changes;
// - any other error: log, count, retry after the key's next backoff delay (5 ms doubling to 1000 s).
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import type { Logger } from '../../../shared/logging/logger.ts';
import { sleep } from '../../../shared/time/clock.ts';
import type { Clock } from '../../../shared/time/clock.ts';
import { errorMessage } from '../../../shared/util/error-message.ts';
import type { Informer } from '../cache/informer.ts';
import { objectKey, refOfKey } from '../../../shared/kube/object-key.ts';
import type { HandlerFactory } from '../handlers/enqueue.ts';
import type { ReconcileResultLabel, RuntimeMetrics } from '../metrics/runtime-metrics.ts';
import { workQueueMetricsHooks } from '../metrics/runtime-metrics.ts';
import type { RateLimiter } from '../workqueue/rate-limiter.ts';
import { WorkQueue } from '../workqueue/work-queue.ts';
import { isTerminalError } from './reconciler.ts';
import type { ReconcileRequest, Reconciler } from './reconciler.ts';

export interface ControllerOptions {
  /** Names the controller in logs and metrics, e.g. 'apigatewayroute'. */
  name: string;
  reconciler: Reconciler;
  maxConcurrentReconciles?: number;
  clock: Clock;
  logger: Logger;
  metrics?: RuntimeMetrics;
  rateLimiter?: RateLimiter;
}

class ControllerStoppedError extends Error {
  readonly controller: string;
  constructor(controller: string, why: string) {
    super(`controller ${controller}: ${why}`);
    this.name = 'ControllerStoppedError';
    this.controller = controller;
  }
}

interface Source {
  informer: Informer<KubeObject>;
  handler: HandlerFactory<KubeObject>;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly reconciler: Reconciler;
  private readonly workers: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: RuntimeMetrics | undefined;
  private readonly sources: Source[] = [];
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(opts: ControllerOptions) {
    this.name = opts.name;
    this.reconciler = opts.reconciler;
    this.workers = Math.max(1, opts.maxConcurrentReconciles ?? 1);
    this.clock = opts.clock;
    this.logger = opts.logger.child({ controller: opts.name });
    this.metrics = opts.metrics;
    this.queue = new WorkQueue({
      name: opts.name,
      clock: opts.clock,
      ...(opts.rateLimiter ? { rateLimiter: opts.rateLimiter } : {}),
      ...(opts.metrics ? { metrics: workQueueMetricsHooks(opts.metrics, opts.name) } : {}),
    });
    opts.metrics?.trackUnfinishedWork(this.queue);
    opts.metrics?.initController(opts.name);
  }

  /** Feeds `informer`'s events, mapped by `handler`, into this controller once it starts. */
  watch<T extends KubeObject>(informer: Informer<T>, handler: HandlerFactory<T>): this {
    this.sources.push({
      informer: informer as unknown as Informer<KubeObject>,
      handler: handler as unknown as HandlerFactory<KubeObject>,
    });
    return this;
  }

  enqueue(request: ReconcileRequest): void {
    this.queue.add(objectKey(request));
  }

  /** Starts the workers; resolves when they have all exited after stop(). */
  start(): Promise<void> {
    if (this.running) return this.running;
    if (this.queue.shuttingDown) return Promise.resolve();
    this.metrics?.maxConcurrentReconciles.set({ controller: this.name }, this.workers);
    for (const source of this.sources)
      source.informer.addEventHandler(source.handler((r) => this.enqueue(r)));
    this.logger.info('starting workers', { workers: this.workers });
    this.running = Promise.all(Array.from({ length: this.workers }, () => this.work())).then(() => undefined);
    return this.running;
  }

  /**
   * Stops taking keys and lets reconciles in flight finish for up to `graceMs`; after that their signal
   * aborts. Resolves true if everything finished within the grace period.
   */
  async stop(graceMs: number): Promise<boolean> {
    this.queue.shutDown();
    const graceOver = new AbortController();
    const drained = await Promise.race([
      this.queue.drain().then(() => true),
      sleep(this.clock, graceMs, graceOver.signal).then(() => false),
    ]);
    graceOver.abort();
    if (!drained) {
      this.logger.warn('reconciles still running after the shutdown grace period; aborting them', {
        graceMs,
      });
      this.abort.abort(new ControllerStoppedError(this.name, 'shutdown grace period expired'));
    }
    return drained;
  }

  /** Stops at once: no new keys, and reconciles in flight see their signal abort. */
  abortNow(why: string): void {
    this.queue.shutDown();
    this.abort.abort(new ControllerStoppedError(this.name, why));
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.reconcileKey(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async reconcileKey(key: string): Promise<void> {
    const request = refOfKey(key);
    const logger = this.logger.child({ ...request, reconcileID: randomUUID() });
    const labels = { controller: this.name };
    const started = this.clock.now();
    this.metrics?.activeWorkers.inc(labels);
    let result: ReconcileResultLabel;
    // A signal per reconcile, linked to the controller's by one listener removed afterwards, so listeners a
    // reconciler leaves on it go away with it instead of piling up on the long-lived one.
    const reconcileAbort = new AbortController();
    const forwardAbort = () => reconcileAbort.abort(this.abort.signal.reason);
    if (this.abort.signal.aborted) forwardAbort();
    else this.abort.signal.addEventListener('abort', forwardAbort, { once: true });
    try {
      const outcome = await this.reconciler.reconcile(request, { signal: reconcileAbort.signal, logger });
      if (outcome?.requeueAfter !== undefined && outcome.requeueAfter > 0) {
        this.queue.forget(key);
        this.queue.addAfter(key, outcome.requeueAfter);
        result = 'requeue_after';
      } else {
        this.queue.forget(key);
        result = 'success';
      }
    } catch (err) {
      result = 'error';
      this.metrics?.reconcileErrors.inc(labels);
      const fields = { error: errorMessage(err) };
      if (isTerminalError(err)) {
        this.metrics?.terminalReconcileErrors.inc(labels);
        this.queue.forget(key);
        logger.error('reconcile failed permanently; waiting for the object to change', fields);
      } else {
        this.queue.addRateLimited(key);
        logger.error('reconcile failed; will retry', { ...fields, retries: this.queue.numRequeues(key) });
      }
    } finally {
      this.abort.signal.removeEventListener('abort', forwardAbort);
      this.metrics?.activeWorkers.dec(labels);
      this.metrics?.reconcileTime.observe(labels, (this.clock.now() - started) / 1000);
    }
    this.metrics?.reconcileTotal.inc({ ...labels, result });
  }
}
