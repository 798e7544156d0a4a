// A token bucket, as Go's golang.org/x/time/rate.Limiter that client-go builds its limits on: it holds at
// most `burst` tokens, starts full, and gains one every `refillEveryMs`, continuously (half a token after
// half the time). The work queue reserves from one for every retry of any key; the event recorder keeps
// one per object for the distinct Events it may start.
import type { Clock } from './clock.ts';

export interface TokenBucketOptions {
  burst: number;
  /** Milliseconds to gain one token. */
  refillEveryMs: number;
}

export class TokenBucket {
  private readonly clock: Clock;
  private readonly opts: TokenBucketOptions;
  private tokens: number;
  private updatedAt: number;

  constructor(clock: Clock, opts: TokenBucketOptions) {
    this.clock = clock;
    this.opts = opts;
    this.tokens = opts.burst;
    this.updatedAt = clock.now();
  }

  /** Takes a token if a whole one is there (rate.Limiter's Allow); takes nothing and says false if not. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Takes a token whether or not one is there, borrowing from the refill to come (rate.Limiter's
   * Reserve): returns how many milliseconds until the token taken is covered, 0 when it already was.
   */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens * this.opts.refillEveryMs);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.opts.burst, this.tokens + (now - this.updatedAt) / this.opts.refillEveryMs);
    this.updatedAt = now;
  }
}
