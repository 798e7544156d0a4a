// Per-key exponential retry delay, the per-key half of controller-runtime's default: 5 ms doubling on every
// failure of the same key, capped at 1000 s, and forgotten when the key succeeds.
import { exponentialDelayMs } from '../../../shared/time/exponential-delay.ts';

export interface ItemRateLimiterOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_ITEM_RATE_LIMIT: ItemRateLimiterOptions = { baseDelayMs: 5, maxDelayMs: 1_000_000 };

export class ItemExponentialRateLimiter {
  private readonly opts: ItemRateLimiterOptions;
  private readonly failures = new Map<string, number>();

  constructor(opts: Partial<ItemRateLimiterOptions> = {}) {
    this.opts = { ...DEFAULT_ITEM_RATE_LIMIT, ...opts };
  }

  /** Counts a failure of `key` and returns how long it should wait before the next attempt. */
  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    return exponentialDelayMs(failures + 1, {
      initialMs: this.opts.baseDelayMs,
      maxMs: this.opts.maxDelayMs,
    });
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}
