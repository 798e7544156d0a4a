// A gateway pod as real processes on this machine: nginx started with the arguments the pod's nginx
// container gets (controller/children/gateway/gateway-pod.ts), reading its configuration from a directory
// laid out and updated the way the kubelet updates a ConfigMap volume (a timestamped directory, `..data`
// swapped by one rename, files as links through `..data`), and the reloader program beside it, pointed at
// the same directory, nginx's pid file and [emerg] log, as the pod mounts them. Only paths and ports
// differ from the pod: nginx listens on a loopback port, the reloader's status on a given address.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatewayNginxArgs } from '../../../controller/children/gateway/gateway-pod.ts';
import {
  parseReloaderStatus,
  RELOADER_STATUS_PATH,
  type ReloaderStatus,
} from '../../../shared/gateway/reloader-status.ts';
import { NGINX_PID_FILE, RELOAD_ERROR_LOG_FILE } from '../../../shared/gateway/reloader-pod-layout.ts';
import { GATEWAY_CONFIG_FILE } from '../../../shared/gateway/render-gateway-config.ts';
import { nginxBinary } from '../../../test/nginx/nginx-binary.ts';
import { writeSecretVolume } from '../../../test/nginx/secret-volume.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface GatewayPodOptions {
  /** nginx's listen port on 127.0.0.1, as the configurations it is given say. */
  port: number;
  /** Where the reloader answers GET /status: a loopback address, or a fake pod's IP. */
  statusHost: string;
  statusPort: number;
  workerShutdownTimeoutSeconds?: number;
  /** The reloader's look at the mount besides file events. */
  pollIntervalMs?: number;
  /** How long nginx may take to start, and the reloader to see a reload through: large gateways take long. */
  startTimeoutMs?: number;
  reloadTimeoutSeconds?: number;
}

export interface GatewayPodDirectories {
  root: string;
  /** The "ConfigMap volume". */
  config: string;
  /** nginx's runtime directory: pid file, temporary files, the [emerg] log. */
  runtime: string;
  logs: string;
}

export interface GatewayPod {
  directories: GatewayPodDirectories;
  /** The nginx master's pid; a reload keeps it, a restart changes it. */
  readonly nginxPID: number;
  /** Updates the mounted ConfigMap as the kubelet does. */
  mount(data: Record<string, string>): Promise<void>;
  status(): Promise<ReloaderStatus>;
  /** Waits until the reloader reports `hash` loaded (or refused, for `until: 'refused'`). */
  waitFor(hash: string, until?: 'loaded' | 'refused', timeoutMs?: number): Promise<ReloaderStatus>;
  /** Stops nginx as the kubelet stops the container (SIGQUIT) and starts it again, as after a crash. */
  restartNginx(): Promise<void>;
  /** The lines nginx wrote to standard error, its error log in the pod. */
  nginxLog(): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    }
    await sleep(20);
  }
}

function launch(command: string, args: string[], logPath: string): ChildProcess {
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logPath, { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((done) => child.once('exit', () => done()));
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** `initial`: the ConfigMap's data nginx starts with, which may name the pod's directories. */
export async function startGatewayPod(
  options: GatewayPodOptions,
  initial: (directories: GatewayPodDirectories) => Record<string, string>,
): Promise<GatewayPod> {
  const root = await mkdtemp(join(tmpdir(), 'gateway-pod-'));
  // nginx's workers drop to an unprivileged user when the tests run as root: everything stays readable.
  await chmod(root, 0o755);
  const directories: GatewayPodDirectories = {
    root,
    config: join(root, 'config'),
    runtime: join(root, 'run'),
    logs: join(root, 'logs'),
  };
  await mkdir(directories.runtime, { mode: 0o777 });
  await mkdir(directories.logs);
  await writeSecretVolume(directories.config, initial(directories));
  const nginxLogPath = join(directories.logs, 'nginx.log');

  const startNginx = async (): Promise<ChildProcess> => {
    const child = launch(
      nginxBinary(),
      [
        '-p',
        `${root}/`,
        ...gatewayNginxArgs(
          join(directories.config, GATEWAY_CONFIG_FILE),
          directories.runtime,
          options.workerShutdownTimeoutSeconds ?? 60,
        ),
      ],
      nginxLogPath,
    );
    await until(
      `nginx listening on 127.0.0.1:${options.port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`nginx exited: ${await readFile(nginxLogPath, 'utf8')}`);
        return (await canConnect(options.port)) || undefined;
      },
      options.startTimeoutMs ?? 15_000,
    );
    return child;
  };
  let nginx = await startNginx();
  const reloader = launch(
    process.execPath,
    [
      'gateway-reloader/main.ts',
      `--config-dir=${directories.config}`,
      `--nginx-pid-file=${join(directories.runtime, NGINX_PID_FILE)}`,
      `--nginx-error-log=${join(directories.runtime, RELOAD_ERROR_LOG_FILE)}`,
      `--nginx-url=http://127.0.0.1:${options.port}`,
      `--status-address=${options.statusHost}:${options.statusPort}`,
      `--poll-interval-ms=${options.pollIntervalMs ?? 1000}`,
      `--reload-timeout-seconds=${options.reloadTimeoutSeconds ?? 60}`,
    ],
    join(directories.logs, 'reloader.log'),
  );

  const status = async (): Promise<ReloaderStatus> => {
    const res = await fetch(`http://${options.statusHost}:${options.statusPort}${RELOADER_STATUS_PATH}`, {
      signal: AbortSignal.timeout(2000),
    });
    return parseReloaderStatus(await res.text());
  };
  await until('the reloader to answer', status, 15_000);

  const pod: GatewayPod = {
    directories,
    get nginxPID() {
      return nginx.pid ?? -1;
    },
    mount: (data) => writeSecretVolume(directories.config, data),
    status,
    waitFor: (hash, outcome = 'loaded', timeoutMs = 30_000) =>
      until(
        `the reloader to report ${hash.slice(0, 12)} ${outcome}`,
        async () => {
          const now = await status();
          const done = outcome === 'loaded' ? now.loadedHash === hash : now.refused?.hash === hash;
          return done ? now : undefined;
        },
        timeoutMs,
      ),
    async restartNginx() {
      await stopProcess(nginx, 'SIGQUIT', 10_000);
      nginx = await startNginx();
    },
    nginxLog: () => readFile(nginxLogPath, 'utf8'),
    async stop() {
      await Promise.all([stopProcess(reloader, 'SIGTERM', 5000), stopProcess(nginx, 'SIGQUIT', 10_000)]);
      await rm(root, { recursive: true, force: true });
    },
  };
  return pod;
}
