import { describe, expect, it } from '@jest/globals';
import { ItemExponentialRateLimiter } from './item-rate-limiter.ts';

describe('ItemExponentialRateLimiter', () => {
  it('doubles per key from 5 ms, caps at 1000 s, and keys do not affect each other', () => {
    const limiter = new ItemExponentialRateLimiter();
    const delays = Array.from({ length: 30 }, () => limiter.when('a'));
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(delays.at(-1)).toBe(1_000_000);
    expect(Math.max(...delays)).toBe(1_000_000);
    expect(limiter.when('b')).toBe(5);
  });

  it('starts over after forget', () => {
    const limiter = new ItemExponentialRateLimiter();
    limiter.when('a');
    limiter.when('a');
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.when('a')).toBe(5);
  });
});
