// CPU time of processes, from the scheduler's own accounting (/proc/<pid>/schedstat, in nanoseconds, not
// clock ticks), so the benchmark can tell what a request costs the proxy whatever else the machine runs.
import { readFileSync } from 'node:fs';

/** Nanoseconds the processes (single-threaded, as nginx workers are) have run on a CPU so far. */
export function cpuTimeNs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => {
    const [onCpu = ''] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ');
    return sum + Number(onCpu);
  }, 0);
}
