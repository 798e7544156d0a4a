// The statistics every benchmark reports with: nearest-rank percentiles of a run's latencies, and medians
// over repeated runs or rounds. An empty list has 0 for both, so a run that measured nothing reports 0
// rather than NaN or a throw, whichever benchmark it is.

/** The nearest-rank percentile (0 < p <= 100) of sorted values; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1] ?? 0;
}

/** The middle value, or the mean of the middle two for an even count; 0 for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
