import { describe, expect, it } from '@jest/globals';
import { FakeClock } from './testing/fake-clock.ts';
import { ExponentialBackoff } from './exponential-backoff.ts';

describe('ExponentialBackoff', () => {
  it('doubles from 800 ms and stops at 30 s', () => {
    const backoff = new ExponentialBackoff(new FakeClock(), {}, () => 0);
    const delays = Array.from({ length: 8 }, () => backoff.next());
    expect(delays).toEqual([800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000]);
  });

  it('counts every failure since the last reset, also those past the longest delay', () => {
    const backoff = new ExponentialBackoff(new FakeClock(), { initialMs: 5, maxMs: 20 }, () => 0);
    for (let i = 0; i < 5; i++) backoff.next();
    expect(backoff.failures).toBe(5);
    backoff.reset();
    expect(backoff.failures).toBe(0);
    expect(backoff.next()).toBe(5);
    expect(backoff.failures).toBe(1);
  });

  it('shortens each delay by up to the jitter fraction', () => {
    const backoff = new ExponentialBackoff(new FakeClock(), { jitter: 0.2 }, () => 1);
    expect(backoff.next()).toBe(640);
  });

  it('starts over after a quiet period without failures', async () => {
    const clock = new FakeClock();
    const backoff = new ExponentialBackoff(clock, { resetAfterMs: 120_000 }, () => 0);
    backoff.next();
    backoff.next();
    await clock.advance(119_999);
    expect(backoff.next()).toBe(3200);
    await clock.advance(120_000);
    expect(backoff.next()).toBe(800);
    expect(backoff.failures).toBe(1);
  });
});
