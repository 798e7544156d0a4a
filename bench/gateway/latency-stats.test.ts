import { describe, expect, it } from '@jest/globals';
import { medianOfRuns, summarizeLoad, type LoadSummary } from './latency-stats.ts';

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

describe('medianOfRuns', () => {
  const run = (throughputPerSecond: number, p50Ms: number, errors = 0): LoadSummary => ({
    requests: 100,
    errors,
    throughputPerSecond,
    p50Ms,
    p99Ms: p50Ms * 2,
    meanMs: p50Ms,
  });

  it('takes the median of each rate and latency, so one disturbed run does not count', () => {
    expect(medianOfRuns([run(1000, 0.2), run(300, 0.9, 2), run(1100, 0.25)])).toEqual({
      requests: 300,
      errors: 2,
      throughputPerSecond: 1000,
      p50Ms: 0.25,
      p99Ms: 0.5,
      meanMs: 0.25,
    });
  });

  it('averages the middle two of an even number of runs', () => {
    expect(medianOfRuns([run(100, 1), run(300, 3)])).toMatchObject({ throughputPerSecond: 200, p50Ms: 2 });
  });

  it('gives the median CPU time per request only when every run read it', () => {
    const withCPU = (cpuUsPerRequest: number) => ({ ...run(100, 1), cpuUsPerRequest });
    expect(medianOfRuns([withCPU(60), withCPU(90), withCPU(70)]).cpuUsPerRequest).toBe(70);
    expect(medianOfRuns([withCPU(60), run(100, 1)])).not.toHaveProperty('cpuUsPerRequest');
  });
});
