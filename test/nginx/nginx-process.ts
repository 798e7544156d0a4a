// Runs a real nginx for tests: in a workspace directory of its own (configuration, pid, temporary files
// and logs inside it), in the foreground as the current user, with the master process, listening on a
// loopback port the test chose. Workers drop to an unprivileged user when the tests run as root, so the
// workspace is world-readable, like the files of a Secret volume. A start or reload is done once nginx
// can serve: listening, and holding the addresses of the upstream names it resolves at run time when a
// loopback DNS server of this process answers them (see upstream-resolution.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { nginxBinary } from './nginx-binary.ts';
import { upstreamResolution } from './upstream-resolution.ts';

export interface NginxWorkspace {
  /** nginx's prefix; nginx.conf and the files beside it are written here. */
  directory: string;
  /** For the renderer's runtimeDirectory: pid and temporary files. */
  runtimeDirectory: string;
  accessLog: string;
  errorLog: string;
}

export interface NginxFiles {
  config: string;
  /** Files next to nginx.conf, by name. */
  files?: Record<string, string>;
}

class NginxError extends Error {
  /** What nginx printed, and its error log. */
  readonly output: string;
  constructor(message: string, output: string) {
    super(`${message}\n${output}`);
    this.name = 'NginxError';
    this.output = output;
  }
}

export interface RunningNginx {
  workspace: NginxWorkspace;
  /** The master process. */
  pid: number;
  /** The worker processes now; a reload replaces them. */
  workerPIDs(): number[];
  /**
   * Writes a new configuration and signals the master to load it; resolves once new workers run and hold
   * the addresses of the names new to it (see upstream-resolution.ts).
   */
  reload(files: NginxFiles): Promise<void>;
  /** The access log's lines parsed as JSON (the gateway's log format). */
  accessLogEntries(): Promise<Record<string, unknown>[]>;
  errorLogText(): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Stray masters would keep ports and workers after a failed test run; TERM makes a master stop its workers.
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

export async function createNginxWorkspace(): Promise<NginxWorkspace> {
  const directory = await mkdtemp(join(tmpdir(), 'gateway-nginx-'));
  await chmod(directory, 0o755);
  const runtimeDirectory = join(directory, 'run');
  await mkdir(runtimeDirectory, { mode: 0o755 });
  return {
    directory,
    runtimeDirectory,
    accessLog: join(directory, 'access.log'),
    errorLog: join(directory, 'error.log'),
  };
}

export async function removeNginxWorkspace(workspace: NginxWorkspace): Promise<void> {
  await rm(workspace.directory, { recursive: true, force: true });
}

async function writeNginxFiles(
  workspace: NginxWorkspace,
  { config, files = {} }: NginxFiles,
): Promise<string> {
  const path = join(workspace.directory, 'nginx.conf');
  await writeFile(path, config);
  for (const [name, content] of Object.entries(files)) {
    if (name.includes('/')) throw new Error(`file name ${name} must not hold "/"`);
    await writeFile(join(workspace.directory, name), content);
  }
  return path;
}

function nginxArguments(workspace: NginxWorkspace, configPath: string, extra: string[]): string[] {
  return ['-p', `${workspace.directory}/`, '-c', configPath, '-e', workspace.errorLog, ...extra];
}

async function readIfExists(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}

/** Runs `nginx -t` on the configuration; throws NginxError with nginx's words when it is refused. */
export async function testNginxConfig(workspace: NginxWorkspace, files: NginxFiles): Promise<void> {
  const configPath = await writeNginxFiles(workspace, files);
  const child = spawn(nginxBinary(), nginxArguments(workspace, configPath, ['-t', '-q']), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new NginxError(`nginx -t refused ${configPath} (exit ${code})`, output);
}

function childPIDs(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(25);
  }
  return false;
}

/** Starts nginx with the configuration; resolves once it accepts connections on 127.0.0.1:`port`. */
export async function startNginx(
  workspace: NginxWorkspace,
  files: NginxFiles,
  port: number,
): Promise<RunningNginx> {
  const configPath = await writeNginxFiles(workspace, files);
  const resolution = upstreamResolution(files.config);
  const child = spawn(nginxBinary(), nginxArguments(workspace, configPath, ['-g', 'daemon off;']), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
    running.delete(child);
  });
  // Done waiting when nginx listens, or when it has exited (a refused configuration).
  const listening = async () => exitCode === undefined && (await canConnect(port));
  const ready = await waitFor(async () => (await listening()) || exitCode !== undefined, 10_000);
  const resolved =
    ready && exitCode === undefined ? await resolution.wait().catch((error: Error) => error) : undefined;
  if (!ready || exitCode !== undefined || child.pid === undefined || resolved instanceof Error) {
    child.kill('SIGTERM');
    await exited;
    throw new NginxError(
      resolved instanceof Error
        ? resolved.message
        : `nginx did not come up on 127.0.0.1:${port} (exit ${exitCode ?? 'none'})`,
      `${output}${await readIfExists(workspace.errorLog)}`,
    );
  }
  const pid = child.pid;
  let config = files.config;
  return {
    workspace,
    pid,
    workerPIDs: () => childPIDs(pid),
    async reload(next) {
      const before = childPIDs(pid);
      await writeNginxFiles(workspace, next);
      const resolution = upstreamResolution(next.config, config);
      process.kill(pid, 'SIGHUP');
      const replaced = await waitFor(() => {
        const now = childPIDs(pid);
        return now.length > 0 && now.every((worker) => !before.includes(worker));
      }, 10_000);
      if (!replaced)
        throw new NginxError(
          'nginx did not replace its workers after a reload',
          await readIfExists(workspace.errorLog),
        );
      config = next.config;
      await resolution.wait();
    },
    async accessLogEntries() {
      const text = await readIfExists(workspace.accessLog);
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    errorLogText: () => readIfExists(workspace.errorLog),
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(5000, false, { ref: false })]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
