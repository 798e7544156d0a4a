// The reconcile queue, with client-go's guarantees:
// - a key waiting in the queue is held once, however often it is added;
// - a key being processed is never handed to a second worker; if it is added meanwhile, it is queued
//   again when the first worker calls done(), so the latest state is always reconciled;
// - failed keys come back after a per-key exponential delay (addRateLimited), forget() resets it;
// - addAfter() delays a key (requeueAfter), keeping the earliest time when asked twice;
// - shutDown() stops handing out work at once; drain() waits for the keys in flight.
import type { Clock, Timer } from '../../../shared/time/clock.ts';
import { DelayHeap } from './delay-heap.ts';
import { Fifo } from './fifo.ts';
import { defaultControllerRateLimiter } from './rate-limiter.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** Observations for metrics; all optional so a queue works without them. */
export interface WorkQueueMetricsHooks {
  added?(): void;
  depth?(depth: number): void;
  /** Time from being queued to being handed to a worker. */
  dequeued?(waitedMs: number): void;
  /** Time a worker held the key. */
  finished?(workedMs: number): void;
  retried?(): void;
}

export interface WorkQueueOptions {
  name: string;
  clock: Clock;
  rateLimiter?: RateLimiter;
  metrics?: WorkQueueMetricsHooks;
}

export class WorkQueue {
  readonly name: string;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: WorkQueueMetricsHooks;
  private readonly queue = new Fifo<string>();
  /** Keys that need processing: queued, or re-added while in flight. Value: when first added. */
  private readonly dirty = new Map<string, number>();
  /** Keys held by a worker. Value: when the worker took it. */
  private readonly processing = new Map<string, number>();
  private readonly waiting = new DelayHeap();
  private delayTimer: Timer | undefined;
  private delayTimerAt: number | undefined;
  private readonly getters = new Fifo<(key: string | undefined) => void>();
  private readonly drainWaiters: (() => void)[] = [];
  private closing = false;

  constructor(opts: WorkQueueOptions) {
    this.name = opts.name;
    this.clock = opts.clock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter(opts.clock);
    this.metrics = opts.metrics ?? {};
  }

  /** Keys waiting to be handed out (not counting delayed or in-flight ones). */
  get length(): number {
    return this.queue.length;
  }

  /** Keys scheduled for later by addAfter or addRateLimited. */
  get delayed(): number {
    return this.waiting.size;
  }

  get shuttingDown(): boolean {
    return this.closing;
  }

  /** Work in flight right now: total and longest time held, for the unfinished-work metrics. */
  unfinishedWork(): { totalMs: number; longestMs: number } {
    const now = this.clock.now();
    let totalMs = 0;
    let longestMs = 0;
    for (const startedAt of this.processing.values()) {
      totalMs += now - startedAt;
      longestMs = Math.max(longestMs, now - startedAt);
    }
    return { totalMs, longestMs };
  }

  add(key: string): void {
    if (this.closing || this.dirty.has(key)) return;
    this.metrics.added?.();
    this.dirty.set(key, this.clock.now());
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.closing) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    this.waiting.schedule(key, this.clock.now() + delayMs);
    this.armDelayTimer();
  }

  /** Requeues `key` after its next exponential delay. */
  addRateLimited(key: string): void {
    if (this.closing) return;
    this.metrics.retried?.();
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets `key`'s retry delay, after it succeeded or stopped being worth retrying. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** The next key to process, waiting if none is ready; undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    if (this.closing) return Promise.resolve(undefined);
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks the worker finished with `key`; a re-add that arrived meanwhile is queued now. */
  done(key: string): void {
    const startedAt = this.processing.get(key);
    if (startedAt === undefined) return;
    this.processing.delete(key);
    this.metrics.finished?.(this.clock.now() - startedAt);
    if (this.dirty.has(key) && !this.closing) this.enqueue(key);
    if (this.processing.size === 0) for (const wake of this.drainWaiters.splice(0)) wake();
  }

  /** Stops handing out keys and accepting new ones; waiting get() calls resolve undefined. */
  shutDown(): void {
    if (this.closing) return;
    this.closing = true;
    this.delayTimer?.cancel();
    this.delayTimer = undefined;
    this.waiting.clear();
    for (let resolve = this.getters.shift(); resolve; resolve = this.getters.shift()) resolve(undefined);
  }

  /** Resolves when no key is in flight. */
  drain(): Promise<void> {
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private enqueue(key: string): void {
    const getter = this.getters.shift();
    if (getter) {
      this.queue.push(key);
      getter(this.take());
      return;
    }
    this.queue.push(key);
    this.metrics.depth?.(this.queue.length);
  }

  private take(): string | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    const now = this.clock.now();
    const addedAt = this.dirty.get(key) ?? now;
    this.dirty.delete(key);
    this.processing.set(key, now);
    this.metrics.depth?.(this.queue.length);
    this.metrics.dequeued?.(now - addedAt);
    return key;
  }

  private armDelayTimer(): void {
    const next = this.waiting.nextReadyAt();
    if (next === undefined || (this.delayTimerAt !== undefined && this.delayTimerAt <= next)) return;
    this.delayTimer?.cancel();
    this.delayTimerAt = next;
    this.delayTimer = this.clock.setTimer(() => {
      this.delayTimer = undefined;
      this.delayTimerAt = undefined;
      for (const key of this.waiting.takeDue(this.clock.now())) this.add(key);
      this.armDelayTimer();
    }, next - this.clock.now());
  }
}
