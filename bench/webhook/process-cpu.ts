// CPU time of a process, all its threads (Node's main thread, GC and libuv workers), from the scheduler's
// own accounting in nanoseconds, so the benchmark can tell what a request costs the server whatever else
// the machine runs.
import { readdirSync, readFileSync } from 'node:fs';

export function processCpuNs(pid: number): number {
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
