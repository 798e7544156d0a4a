import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../../shared/time/testing/fake-clock.ts';
import { ItemExponentialRateLimiter } from './item-rate-limiter.ts';
import { BucketRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter } from './rate-limiter.ts';

describe('BucketRateLimiter', () => {
  it('lets a burst through at once, then spaces retries at the rate', () => {
    const clock = new FakeClock(0);
    const bucket = new BucketRateLimiter(clock, { perSecond: 10, burst: 3 });
    expect([1, 2, 3, 4, 5].map(() => bucket.when())).toEqual([0, 0, 0, 100, 200]);
  });

  it('refills with time, never beyond the burst', async () => {
    const clock = new FakeClock(0);
    const bucket = new BucketRateLimiter(clock, { perSecond: 10, burst: 2 });
    bucket.when();
    bucket.when();
    await clock.advance(10_000);
    expect([1, 2, 3].map(() => bucket.when())).toEqual([0, 0, 100]);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('waits the longer of the key backoff and the shared bucket', () => {
    const clock = new FakeClock(0);
    const limiter = new MaxOfRateLimiter(
      new ItemExponentialRateLimiter(),
      new BucketRateLimiter(clock, { perSecond: 10, burst: 2 }),
    );
    // First failures of different keys: 5 ms each from their backoff, until the bucket runs dry.
    expect(['a', 'b', 'c', 'd'].map((key) => limiter.when(key))).toEqual([5, 5, 100, 200]);
    expect(limiter.numRequeues('a')).toBe(1);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
  });

  it('lets a thousand failing keys retry at 10 per second after the first 100', () => {
    const clock = new FakeClock(0);
    const limiter = defaultControllerRateLimiter(clock);
    const delays = Array.from({ length: 1000 }, (_, i) => limiter.when(`key-${i}`));
    expect(delays.slice(0, 100).every((d) => d === 5)).toBe(true);
    expect(delays[100]).toBe(100);
    expect(delays[999]).toBe(90_000);
  });
});
