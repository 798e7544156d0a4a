// How long a key waits before it is retried. controller-runtime's default is the larger of two limits:
// the key's own exponential backoff, and one token bucket shared by every key (10 per second, bursts of
// 100), so that after an API server outage a thousand failing keys do not all retry within milliseconds.
import type { Clock } from '../../../shared/time/clock.ts';
import { TokenBucket } from '../../../shared/time/token-bucket.ts';
import { ItemExponentialRateLimiter } from './item-rate-limiter.ts';

export interface RateLimiter {
  /** Counts a failure of `key` and returns how long it should wait before the next attempt. */
  when(key: string): number;
  numRequeues(key: string): number;
  forget(key: string): void;
}

export interface BucketOptions {
  perSecond: number;
  burst: number;
}

const DEFAULT_BUCKET: BucketOptions = { perSecond: 10, burst: 100 };

/** A token bucket: each retry takes a token, waiting for it when none is left (a reservation, as Go's rate.Limiter). */
export class BucketRateLimiter implements RateLimiter {
  private readonly bucket: TokenBucket;

  constructor(clock: Clock, opts: Partial<BucketOptions> = {}) {
    const { perSecond, burst } = { ...DEFAULT_BUCKET, ...opts };
    this.bucket = new TokenBucket(clock, { burst, refillEveryMs: 1000 / perSecond });
  }

  when(): number {
    return this.bucket.reserve();
  }

  numRequeues(): number {
    return 0;
  }

  forget(): void {}
}

/** The longest wait any of `limiters` asks for; failures are counted by each. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(0, ...this.limiters.map((limiter) => limiter.when(key)));
  }

  numRequeues(key: string): number {
    return Math.max(0, ...this.limiters.map((limiter) => limiter.numRequeues(key)));
  }

  forget(key: string): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }
}

export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return new MaxOfRateLimiter(new ItemExponentialRateLimiter(), new BucketRateLimiter(clock));
}
