// Runs a command under the subreaper (subreaper/main.go) so that, once it has exited, every process it
// left running is known for certain: orphans are reparented to the subreaper whatever group or session
// they moved to. Built with the Go toolchain the control plane is built with; the Go build cache makes
// later builds instant.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../cluster/run-command.ts';

const SOURCE_DIR = fileURLToPath(new URL('./subreaper/', import.meta.url));

interface LeftProcess {
  pid: number;
  commandLine: string;
}

export interface SubreapedRun {
  exitCode: number;
  /** Set when the command was killed by a signal (exitCode is then 128 + its number). */
  signal?: string;
  /** Descendants still running after the command exited (they have been killed since). */
  leftovers: LeftProcess[];
  stdout: string;
  stderr: string;
}

export interface RunningSubreaped {
  /** The subreaper's pid, which is also the process group of the command (unless it moved). */
  pid: number;
  done: Promise<SubreapedRun>;
}

/** Builds the subreaper into a fresh directory and returns the binary's path. */
export async function buildSubreaper(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'subreaper-'));
  const binary = join(out, 'subreaper');
  // /usr/local/go/bin: the official Go tarball's location, for shells that do not have it on PATH.
  const path = `${process.env.PATH ?? ''}:/usr/local/go/bin`;
  await runCommand('go', ['build', '-buildvcs=false', '-o', binary, '.'], {
    env: { PATH: path, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
    cwd: SOURCE_DIR,
  });
  return binary;
}

/** Removes the directory `buildSubreaper` made. */
export function removeSubreaper(binary: string): void {
  rmSync(join(binary, '..'), { recursive: true, force: true });
}

/** Starts `command` under the subreaper binary, in a new process group; output is collected. */
export function runSubreaped(
  binary: string,
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): RunningSubreaped {
  const reportDir = mkdtempSync(join(tmpdir(), 'subreaper-report-'));
  const reportPath = join(reportDir, 'report.json');
  const child = spawn(binary, [reportPath, command, ...args], {
    cwd: options.cwd,
    // Its own process group, so that a hung command can be stopped with everything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${binary} did not start`);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<SubreapedRun>((resolve, reject) => {
    child.once('close', (code, signal) => {
      try {
        const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Omit<
          SubreapedRun,
          'stdout' | 'stderr'
        >;
        resolve({ ...report, stdout, stderr });
      } catch (error) {
        reject(
          new Error(`the subreaper wrote no report (exit ${code ?? signal}): ${stderr}`, { cause: error }),
        );
      } finally {
        rmSync(reportDir, { recursive: true, force: true });
      }
    });
  });
  return { pid: child.pid, done };
}
