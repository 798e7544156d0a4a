// Delays between retries of a long-running loop (the controller's list/watch, the webhook's certificate
// rounds and CRD wiring): doubling from `initialMs` up to `maxMs`, jittered so many clients do not retry
// in step, and reset after a success or once the loop has gone `resetAfterMs` without a failure.
import { exponentialDelayMs } from './exponential-delay.ts';
import type { Clock } from './clock.ts';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A delay is shortened by up to this fraction, at random. */
  jitter: number;
  resetAfterMs: number;
}

// client-go's reflector uses the same shape: 800 ms doubling to 30 s, reset after 2 minutes quiet.
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 800,
  maxMs: 30_000,
  jitter: 0.2,
  resetAfterMs: 120_000,
};

export class ExponentialBackoff {
  private readonly opts: BackoffOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private attempt = 0;
  private failureCount = 0;
  private lastFailureAt: number | undefined;

  constructor(clock: Clock, opts: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    this.clock = clock;
    this.opts = { ...DEFAULT_BACKOFF, ...opts };
    this.random = random;
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  next(): number {
    const now = this.clock.now();
    if (this.lastFailureAt !== undefined && now - this.lastFailureAt >= this.opts.resetAfterMs) this.reset();
    this.lastFailureAt = now;
    this.failureCount++;
    const base = exponentialDelayMs(this.attempt + 1, this.opts);
    if (base < this.opts.maxMs) this.attempt++;
    return Math.round(base * (1 - this.opts.jitter * this.random()));
  }

  /** Consecutive failures counted since the last reset, including those past the longest delay. */
  get failures(): number {
    return this.failureCount;
  }

  /** After a success: the next failure waits `initialMs` again. */
  reset(): void {
    this.attempt = 0;
    this.failureCount = 0;
    this.lastFailureAt = undefined;
  }
}
