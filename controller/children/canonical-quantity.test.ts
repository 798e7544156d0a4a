import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseQuantity } from '../../shared/api/quantity.ts';
import { QuantityFormatError, canonicalQuantity } from './canonical-quantity.ts';

describe('canonicalQuantity', () => {
  it.each([
    ['2', '2'],
    [2, '2'],
    [0.5, '500m'],
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['1500', '1500'],
    ['2000', '2k'],
    ['100m', '100m'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['512', '512'],
    ['1Ki', '1Ki'],
    ['0.5Ki', '512'],
    ['1.5Ki', '1536'],
    ['1e3', '1e3'],
    ['1E3', '1e3'],
    ['1.5e3', '1500'],
    ['1e+3', '1e3'],
    ['8G', '8G'],
    ['0', '0'],
    ['0Gi', '0'],
    ['0.0000000001', '1n'],
    [' 250m ', '250m'],
  ])('%j -> %s, as the API server stores it', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  it('rejects what is not a quantity, naming the value', () => {
    expect(() => canonicalQuantity('2 cores')).toThrow(QuantityFormatError);
    expect(() => canonicalQuantity('2 cores')).toThrow('"2 cores" is not a quantity');
  });

  it('is idempotent and keeps the value', () => {
    const quantity = fc
      .tuple(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('', 'm', 'k', 'M', 'G', 'Ki', 'Mi', 'Gi', 'e3', 'e-2'),
      )
      .map(([digits, decimals, suffix]) => {
        const text = String(digits).padStart(decimals + 1, '0');
        const number = decimals ? `${text.slice(0, -decimals)}.${text.slice(-decimals)}` : text;
        return `${number}${suffix}`;
      });
    fc.assert(
      fc.property(quantity, (q) => {
        const canonical = canonicalQuantity(q);
        expect(canonicalQuantity(canonical)).toBe(canonical);
        const before = parseQuantity(q) ?? NaN;
        const after = parseQuantity(canonical) ?? NaN;
        // Precision finer than 1n rounds up; nothing else moves.
        expect(Math.abs(after - before)).toBeLessThanOrEqual(Math.max(1e-9, Math.abs(before) * 1e-12));
      }),
    );
  });
});
