import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { exponentialDelayMs } from './exponential-delay.ts';

describe('exponentialDelayMs', () => {
  const opts = { initialMs: 500, maxMs: 30_000 };

  it('waits nothing before any failure, initialMs after the first, doubling up to maxMs', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => exponentialDelayMs(n, opts))).toEqual([
      0, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('stays finite and capped however many failures are counted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (n, maxMs) => {
          const delay = exponentialDelayMs(n, { initialMs: 5, maxMs });
          expect(Number.isFinite(delay)).toBe(true);
          expect(delay).toBeLessThanOrEqual(maxMs);
          expect(delay).toBeGreaterThanOrEqual(Math.min(5, maxMs));
        },
      ),
    );
  });

  it('never shortens the delay as failures accumulate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (n) => {
        expect(exponentialDelayMs(n + 1, opts)).toBeGreaterThanOrEqual(exponentialDelayMs(n, opts));
      }),
    );
  });
});
