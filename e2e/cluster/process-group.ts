// Long-running component processes: each is started detached in its own process group with its output in
// a log file (so it outlives the starter, e.g. after `cluster:up`), and is stopped by signalling the group.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessExit {
  code: number | null;
  signal: string | null;
}

export interface LaunchedProcess {
  pid: number;
  /** Settles when the process ends; only observable from the process that launched it. */
  exited: Promise<ProcessExit>;
}

export interface LaunchOptions {
  command: string;
  args: readonly string[];
  logPath: string;
  env?: NodeJS.ProcessEnv;
}

export function launchDetached(options: LaunchOptions): LaunchedProcess {
  const log = openSync(options.logPath, 'a');
  try {
    const child = spawn(options.command, options.args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: options.env ?? process.env,
    });
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (err) => resolve({ code: null, signal: `spawn failed: ${err.message}` }));
    });
    child.unref();
    if (child.pid === undefined) {
      return { pid: -1, exited };
    }
    return { pid: child.pid, exited };
  } finally {
    closeSync(log);
  }
}

/** Whether `pid` is a live (not zombie) process. */
export function isRunning(pid: number): boolean {
  if (pid <= 0) return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // Field 3, after the parenthesised command name (which may itself contain spaces or parentheses).
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** Whether `pid` is still the process we started, not a stranger that reused its id. */
export function commandLineContains(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader is gone. */
export async function stopProcessGroup(pid: number, graceMs: number): Promise<void> {
  if (!isRunning(pid)) return;
  signalGroup(pid, 'SIGTERM');
  if (await waitUntilGone(pid, graceMs)) return;
  signalGroup(pid, 'SIGKILL');
  if (!(await waitUntilGone(pid, 10_000))) {
    throw new Error(`process group ${pid} survived SIGKILL for 10 s`);
  }
}

/** The last `lines` lines of a log file, or a note that there is none. */
export function logTail(path: string, lines = 40): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${path})`;
  }
}
