// Runs one of the operator's processes on this machine, as the chart would run it in a pod: the same
// flags, the credentials of the chart's ServiceAccount. Waits for /readyz, and stops it with SIGTERM.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../setup/cluster-env.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

class OperatorProcessError extends Error {
  readonly script: string;
  readonly logPath: string;
  constructor(script: string, logPath: string, message: string, options?: ErrorOptions) {
    super(`${script}: ${message}; last lines of ${logPath}:\n${tail(logPath)}`, options);
    this.name = 'OperatorProcessError';
    this.script = script;
    this.logPath = logPath;
  }
}

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface OperatorProcessOptions {
  /** Relative to the repository, e.g. webhook/main.ts (Node runs the TypeScript directly). */
  script: string;
  args: readonly string[];
  /** Standard output and error go here. */
  logPath: string;
  /** The plain-HTTP port of /readyz on 127.0.0.1. */
  healthPort: number;
  readyTimeoutMs?: number;
}

export interface OperatorProcess {
  readonly logPath: string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
}

async function isReady(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz?verbose`, { signal: AbortSignal.timeout(2000) });
  return res.status === 200;
}

export async function startOperatorProcess(opts: OperatorProcessOptions): Promise<OperatorProcess> {
  const log = createWriteStream(opts.logPath);
  const child = spawn(process.execPath, [opts.script, ...opts.args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited(child);
      clearTimeout(timer);
    }
    log.end();
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new OperatorProcessError(
            opts.script,
            opts.logPath,
            `exited with ${child.exitCode ?? child.signalCode}`,
          );
        }
        return isReady(opts.healthPort);
      },
      {
        description: `${opts.script} to answer /readyz with 200`,
        timeoutMs: opts.readyTimeoutMs ?? 60_000,
        intervalMs: 250,
      },
    );
  } catch (err) {
    await stop(2000);
    if (err instanceof OperatorProcessError) throw err;
    throw new OperatorProcessError(opts.script, opts.logPath, (err as Error).message, { cause: err });
  }
  return { logPath: opts.logPath, stop };
}

/** `flags` with each `--name=value` of `overrides` in place of the flag of the same name (or added). */
export function replaceFlags(flags: readonly string[], overrides: readonly string[]): string[] {
  const name = (flag: string) => flag.split('=')[0];
  const replaced = new Set(overrides.map(name));
  return [...flags.filter((f) => !replaced.has(name(f))), ...overrides];
}
