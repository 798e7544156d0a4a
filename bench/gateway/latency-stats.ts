// Throughput and latency percentiles of a load run, and the median of repeated runs.
import { median, percentile } from '../lib/statistics.ts';

export interface LoadSummary {
  requests: number;
  errors: number;
  throughputPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** CPU time the server under test spent per measured request, when it was read. */
  cpuUsPerRequest?: number;
}

export function summarizeLoad(
  latenciesMs: readonly number[],
  errors: number,
  durationMs: number,
): LoadSummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    requests: sorted.length,
    errors,
    throughputPerSecond: durationMs > 0 ? (sorted.length * 1000) / durationMs : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length > 0 ? total / sorted.length : 0,
  };
}

/**
 * Repeated runs of one target as one: each rate and latency the median of the runs, so that one run
 * disturbed by other work on the machine does not decide the result; requests and errors summed.
 */
export function medianOfRuns(runs: readonly LoadSummary[]): LoadSummary {
  const of = (field: 'throughputPerSecond' | 'p50Ms' | 'p99Ms' | 'meanMs') =>
    median(runs.map((run) => run[field]));
  const cpu = runs.flatMap((run) => (run.cpuUsPerRequest === undefined ? [] : [run.cpuUsPerRequest]));
  return {
    requests: runs.reduce((sum, run) => sum + run.requests, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    throughputPerSecond: of('throughputPerSecond'),
    p50Ms: of('p50Ms'),
    p99Ms: of('p99Ms'),
    meanMs: of('meanMs'),
    ...(cpu.length === runs.length && cpu.length > 0 ? { cpuUsPerRequest: median(cpu) } : {}),
  };
}
