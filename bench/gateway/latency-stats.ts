// Throughput and latency percentiles of a load run.

export interface LoadSummary {
  requests: number;
  errors: number;
  throughputPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** The nearest-rank percentile (0 < p <= 100) of sorted values; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1] ?? 0;
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
