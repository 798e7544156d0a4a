// Runs a command-line tool to completion and returns its standard output; a non-zero exit throws with stderr.
import { spawn } from 'node:child_process';
import { CommandError } from './errors.ts';

export interface RunOptions {
  /** Written to the tool's standard input. */
  input?: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** The working directory; the caller's when unset. */
  cwd?: string;
}

export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (err) => reject(new CommandError(command, args, null, err.message)));
    child.on('close', (code, signal) => {
      const errText = Buffer.concat(stderr).toString('utf8');
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else
        reject(new CommandError(command, args, code, signal ? `killed by ${signal}. ${errText}` : errText));
    });
    child.stdin.end(options.input ?? '');
  });
}
