import { describe, expect, it } from '@jest/globals';
import { median, percentile } from './statistics.ts';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is 0 for no values', () => {
    expect(percentile([], 50)).toBe(0);
  });
});

describe('median', () => {
  it('takes the middle of unsorted values, and the mean of the middle two of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('is 0 for no values', () => {
    expect(median([])).toBe(0);
  });
});
