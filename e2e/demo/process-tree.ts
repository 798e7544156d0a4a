// Every process a command starts, seen from /proc while it runs: its descendants, recorded by pid and start
// time, including those it starts in new process groups or sessions (a control plane) and those left
// orphaned. Afterwards, which of them still run: the same pid with the same start time, not a stranger
// that reused the pid.
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  parentPid: number;
  /** Clock ticks after boot: with the pid, tells a process apart from a later one with the same pid. */
  startTime: string;
  state: string;
  commandLine: string;
}

/** /proc/<pid>/stat and cmdline, or undefined when the process is gone. */
export function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the parenthesised command name, which may itself hold spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return {
      pid,
      parentPid: Number(fields[1]),
      startTime: fields[19] ?? '',
      state: fields[0] ?? '',
      commandLine,
    };
  } catch {
    return undefined;
  }
}

function allProcesses(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((info): info is ProcessInfo => info !== undefined);
}

/** Whether the recorded process still runs (a zombie has finished: it only waits to be reaped). */
export function isStillRunning(recorded: ProcessInfo): boolean {
  const now = readProcess(recorded.pid);
  return now !== undefined && now.startTime === recorded.startTime && now.state !== 'Z';
}

export class ProcessTreeRecorder {
  readonly #rootPid: number;
  /** By pid and start time. */
  readonly #seen = new Map<string, ProcessInfo>();
  readonly #timer: NodeJS.Timeout;

  constructor(rootPid: number, intervalMs = 250) {
    this.#rootPid = rootPid;
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Records the root's descendants now, and keeps those seen before even if reparented since. */
  sample(): void {
    const processes = allProcesses();
    // A process first seen between fork and exec, or before it renames itself (nginx's "nginx: master
    // process"), is recorded under its latest command line; a zombie's is empty, so it keeps the last.
    for (const info of processes) {
      const key = `${info.pid}/${info.startTime}`;
      if (this.#seen.has(key) && info.commandLine !== '') this.#seen.set(key, info);
    }
    const known = new Set([this.#rootPid, ...[...this.#seen.values()].map((p) => p.pid)]);
    // Parents are usually listed before children, but not always (pids wrap): repeat until stable.
    for (let grew = true; grew;) {
      grew = false;
      for (const info of processes) {
        if (known.has(info.parentPid) && !known.has(info.pid)) {
          known.add(info.pid);
          this.#seen.set(`${info.pid}/${info.startTime}`, info);
          grew = true;
        }
      }
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  get recorded(): ProcessInfo[] {
    return [...this.#seen.values()];
  }
}
