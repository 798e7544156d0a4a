// The delay before the next attempt after `failures` consecutive failures: `initialMs` after the first,
// doubling after each further one, never more than `maxMs`. The one formula behind every retry loop of
// both processes (work queue, watches, lease, certificates, CRD wiring).

export interface ExponentialDelayOptions {
  initialMs: number;
  maxMs: number;
}

export function exponentialDelayMs(failures: number, { initialMs, maxMs }: ExponentialDelayOptions): number {
  if (failures < 1) return 0;
  // Past 2^64 the product is Infinity anyway; stopping the exponent early keeps it finite and exact.
  return Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 64));
}
