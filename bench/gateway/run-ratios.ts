// How a target compares with a base in one round: each figure the median of the ratios of the runs made
// next to each other (run i of the target against run i of the base), so that load from other work,
// which drifts over a round, weighs on both sides of each ratio alike.
import { median } from '../lib/statistics.ts';
import type { LoadSummary } from './latency-stats.ts';

export interface RunRatio {
  throughput: number;
  p50: number;
  p99: number;
  addedP50Ms: number;
  /** nginx CPU time per request, when both sides read it. */
  cpuPerRequest?: number;
}

function runRatio(through: LoadSummary, base: LoadSummary): RunRatio {
  return {
    throughput: through.throughputPerSecond / base.throughputPerSecond,
    p50: through.p50Ms / base.p50Ms,
    p99: through.p99Ms / base.p99Ms,
    addedP50Ms: through.p50Ms - base.p50Ms,
    ...(through.cpuUsPerRequest !== undefined && base.cpuUsPerRequest !== undefined
      ? { cpuPerRequest: through.cpuUsPerRequest / base.cpuUsPerRequest }
      : {}),
  };
}

/** The median of the ratios of paired runs; both lists in the order the runs were made, equally long. */
export function pairedRatio(through: readonly LoadSummary[], base: readonly LoadSummary[]): RunRatio {
  if (through.length !== base.length || through.length === 0) {
    throw new Error(`paired runs needed: ${through.length} against ${base.length}`);
  }
  const ratios = through.map((run, i) => runRatio(run, base[i] as LoadSummary));
  const of = (field: 'throughput' | 'p50' | 'p99' | 'addedP50Ms') => median(ratios.map((r) => r[field]));
  const cpu = ratios.flatMap((r) => (r.cpuPerRequest === undefined ? [] : [r.cpuPerRequest]));
  return {
    throughput: of('throughput'),
    p50: of('p50'),
    p99: of('p99'),
    addedP50Ms: of('addedP50Ms'),
    ...(cpu.length === ratios.length ? { cpuPerRequest: median(cpu) } : {}),
  };
}
