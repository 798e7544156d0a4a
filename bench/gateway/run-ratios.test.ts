import { describe, expect, it } from '@jest/globals';
import type { LoadSummary } from './latency-stats.ts';
import { pairedRatio } from './run-ratios.ts';

const run = (throughputPerSecond: number, p50Ms: number, cpuUsPerRequest?: number): LoadSummary => ({
  requests: 100,
  errors: 0,
  throughputPerSecond,
  p50Ms,
  p99Ms: p50Ms * 4,
  meanMs: p50Ms,
  ...(cpuUsPerRequest === undefined ? {} : { cpuUsPerRequest }),
});

describe('pairedRatio', () => {
  it('takes the median of the ratios of runs made side by side, not the ratio of medians', () => {
    // The machine was busy during the second pair: both sides slowed down, their ratio did not.
    const base = [run(1000, 0.1, 40), run(200, 0.5, 80), run(1000, 0.1, 40)];
    const through = [run(900, 0.12, 50), run(180, 0.6, 100), run(950, 0.11, 48)];
    const ratio = pairedRatio(through, base);
    expect(ratio.throughput).toBeCloseTo(0.9);
    expect(ratio.p50).toBeCloseTo(1.2);
    expect(ratio.p99).toBeCloseTo(1.2);
    expect(ratio.addedP50Ms).toBeCloseTo(0.02);
    expect(ratio.cpuPerRequest).toBeCloseTo(1.25);
  });

  it('leaves out the CPU ratio when a side did not read CPU time, and refuses unpaired runs', () => {
    expect(pairedRatio([run(900, 0.2, 50)], [run(1000, 0.1)])).not.toHaveProperty('cpuPerRequest');
    expect(() => pairedRatio([run(1, 1)], [])).toThrow(/paired runs/);
  });
});
