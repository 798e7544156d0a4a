import { describe, expect, it } from '@jest/globals';
import { FakeClock } from './testing/fake-clock.ts';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('reserves a burst at once, then tokens further and further ahead at the rate', () => {
    const clock = new FakeClock(0);
    const bucket = new TokenBucket(clock, { burst: 3, refillEveryMs: 100 });
    expect([1, 2, 3, 4, 5].map(() => bucket.reserve())).toEqual([0, 0, 0, 100, 200]);
  });

  it('gives a token only when a whole one is there, and takes nothing when none is', async () => {
    const clock = new FakeClock(0);
    const bucket = new TokenBucket(clock, { burst: 2, refillEveryMs: 60_000 });
    expect([1, 2, 3].map(() => bucket.tryTake())).toEqual([true, true, false]);
    await clock.advance(30_000);
    expect(bucket.tryTake()).toBe(false);
    await clock.advance(30_000);
    expect([1, 2].map(() => bucket.tryTake())).toEqual([true, false]);
  });

  it('refills with time, never beyond the burst', async () => {
    const clock = new FakeClock(0);
    const bucket = new TokenBucket(clock, { burst: 2, refillEveryMs: 100 });
    bucket.reserve();
    bucket.reserve();
    await clock.advance(10_000);
    expect([1, 2, 3].map(() => bucket.reserve())).toEqual([0, 0, 100]);
    await clock.advance(10_000);
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
