// The controller as a child process (`node controller/main.ts`), the way an operator runs it: flags, its
// own health/metrics port on loopback, logs in a file. A test can wait for it to be ready or to lead,
// read its metrics, stop it with SIGTERM or kill it outright.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPorts } from '../../cluster/free-ports.ts';
import { parsePrometheusText } from '../../cluster/prometheus-text.ts';
import { e2eKubeconfig, sumSamples, waitFor } from '../../setup/cluster-env.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LOG_DIR = join(REPO_ROOT, '.e2e', 'controller-logs');

export interface ControllerProcessOptions {
  /** Names the log file. */
  name: string;
  /** Flags besides --kubeconfig and the bind addresses. */
  args: readonly string[];
  /** Defaults to controller/main.ts; dist/controller/main.js runs the build. */
  script?: string;
  /** Another program taking the same flags, instead of Node running `script` (the benchmark's baseline). */
  executable?: string;
  /** Added to the process's environment (e.g. NODE_OPTIONS). */
  env?: Readonly<Record<string, string>>;
  /** Defaults to the e2e cluster's. */
  kubeconfig?: string;
  /** Defaults to .e2e/controller-logs. */
  logDir?: string;
}

function tail(path: string, lines = 40): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export class ControllerProcess {
  readonly logPath: string;
  readonly port: number;
  private readonly child: ChildProcess;
  private readonly exit: Promise<number | null>;

  private constructor(child: ChildProcess, logPath: string, port: number) {
    this.child = child;
    this.logPath = logPath;
    this.port = port;
    this.exit = new Promise((resolveExit) => {
      if (child.exitCode !== null || child.signalCode !== null) resolveExit(child.exitCode);
      else child.once('exit', (code) => resolveExit(code));
    });
  }

  /** Starts it and waits until /readyz answers 200 (caches synced). */
  static async start(opts: ControllerProcessOptions): Promise<ControllerProcess> {
    const logDir = opts.logDir ?? LOG_DIR;
    mkdirSync(logDir, { recursive: true });
    const { health } = await freeLoopbackPorts(['health'] as const);
    const logPath = join(logDir, `${opts.name}-${Date.now()}.log`);
    const log = createWriteStream(logPath);
    const child = spawn(
      opts.executable ?? process.execPath,
      [
        ...(opts.executable ? [] : [opts.script ?? 'controller/main.ts']),
        `--kubeconfig=${opts.kubeconfig ?? e2eKubeconfig()}`,
        `--health-probe-bind-address=127.0.0.1:${health}`,
        `--metrics-bind-address=127.0.0.1:${health}`,
        ...opts.args,
      ],
      { cwd: REPO_ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.once('exit', () => log.end());
    const controller = new ControllerProcess(child, logPath, health);
    await controller.waitFor(
      '/readyz to answer 200',
      async () => (await controller.get('/readyz')).status === 200,
    );
    return controller;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the exit code once the process has exited (null when a signal ended it). */
  exited(): Promise<number | null> {
    return this.exit;
  }

  async get(path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, { signal: AbortSignal.timeout(3000) });
    return { status: res.status, body: await res.text() };
  }

  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    return sumSamples(parsePrometheusText((await this.get('/metrics')).body), name, labels);
  }

  async isLeader(): Promise<boolean> {
    return (await this.metric('leader_election_master_status')) === 1;
  }

  /** Resident memory in bytes, as the process reports it. */
  async residentMemoryBytes(): Promise<number> {
    return this.metric('process_resident_memory_bytes');
  }

  /** Waits for `check`, failing with the end of the log when it does not come or the process exits. */
  async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    try {
      await waitFor(
        async () => {
          if (!this.running) throw new Error(`the controller exited (code ${this.child.exitCode})`);
          return check();
        },
        { description: `controller ${what}`, timeoutMs, intervalMs: 200 },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- ${this.logPath}:\n${tail(this.logPath)}`, {
        cause: err,
      });
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exit;
      clearTimeout(timer);
    }
    return this.exit;
  }

  /** SIGKILL: a crash, no Lease release. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exit;
  }
}
