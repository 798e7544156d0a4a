// CPU time of processes, all their threads (Node's main thread, GC and libuv workers; nginx's one), from
// the scheduler's own accounting in nanoseconds rather than clock ticks, so a benchmark can tell what a
// request costs the server whatever else the machine runs.
import { readdirSync, readFileSync } from 'node:fs';

/** Nanoseconds the process, all its threads, has run on a CPU so far. */
export function processCPUNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return total;
}

/** Nanoseconds the processes (nginx's workers, say) have run on a CPU so far, together. */
export function cpuTimeNs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + processCPUNs(pid), 0);
}
