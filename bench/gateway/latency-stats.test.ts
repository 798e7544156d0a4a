import { describe, expect, it } from '@jest/globals';
import { percentile, summarizeLoad } from './latency-stats.ts';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('summarizeLoad', () => {
  it('gives throughput per second and percentiles of unsorted latencies', () => {
    expect(summarizeLoad([3, 1, 2, 4], 1, 2000)).toEqual({
      requests: 4,
      errors: 1,
      throughputPerSecond: 2,
      p50Ms: 2,
      p99Ms: 4,
      meanMs: 2.5,
    });
  });
});
