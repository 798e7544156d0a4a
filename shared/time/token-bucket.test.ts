import { describe, expect, it } from '@jest/globals';
import { FakeClock } from './testing/fake-clock.ts';
import { TokenBucket } from './token-bucket.ts';

// reserve() is what BucketRateLimiter is made of; its tests (controller/runtime/workqueue) cover it.
describe('TokenBucket', () => {
  it('gives a token only when a whole one is there, and takes nothing when none is', async () => {
    const clock = new FakeClock(0);
    const bucket = new TokenBucket(clock, { burst: 2, refillEveryMs: 60_000 });
    expect([1, 2, 3].map(() => bucket.tryTake())).toEqual([true, true, false]);
    await clock.advance(30_000);
    expect(bucket.tryTake()).toBe(false);
    await clock.advance(30_000);
    expect([1, 2].map(() => bucket.tryTake())).toEqual([true, false]);
    await clock.advance(3_600_000);
    expect([1, 2, 3].map(() => bucket.tryTake())).toEqual([true, true, false]);
  });

  it('counts what reserve() borrowed against tryTake()', async () => {
    const clock = new FakeClock(0);
    const bucket = new TokenBucket(clock, { burst: 1, refillEveryMs: 100 });
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(100);
    await clock.advance(100);
    expect(bucket.tryTake()).toBe(false);
    await clock.advance(100);
    expect(bucket.tryTake()).toBe(true);
  });
});
