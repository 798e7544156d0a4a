// bench:controller --startup: how long this project's controller and the controller-runtime baseline take
// to load (spawn until `--help` has exited: modules, no work), and from the process being spawned to serving (the first answer of its health port, any status), to caches
// synced (/readyz 200) and to its first finished reconcile (`controller_runtime_reconcile_total` of the
// aimodel controller above 0), with N converged AIModels already in the namespace it watches. Both are
// started the same way, one after the other, alternating which goes first, on the same cluster.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import { AI_MODELS } from '../../controller/reconcilers/custom-resources.ts';
import { freeLoopbackPorts } from '../../e2e/cluster/free-ports.ts';
import { parsePrometheusText } from '../../e2e/cluster/prometheus-text.ts';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { sumSamples } from '../../e2e/setup/cluster-env.ts';
import { ControllerProcess } from '../../e2e/controller/support/controller-process.ts';
import { createNamespace } from '../../e2e/controller/support/operator-cluster.ts';
import type { BenchOptions } from './bench-options.ts';
import { buildBaseline } from './compare-baseline.ts';
import { isReady, timeUntil } from './convergence.ts';
import { inParallel } from './in-parallel.ts';
import { BENCH_RESOLVER, workload } from './workload.ts';
import { median } from '../lib/statistics.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLIENT_CONCURRENCY = 16;
const CONVERGE_TIMEOUT_MS = 10 * 60_000;
const START_TIMEOUT_MS = 120_000;
/** How often the health port is polled while a process starts: the figures' resolution. */
const POLL_MS = 10;

/** Milliseconds from spawn. */
export interface StartupTimes {
  /** `--help` exits: the program loaded (for Node, every module imported), nothing started. */
  helpMs: number;
  /** The health port's first answer, whatever its status: modules loaded, servers listening. */
  servingMs: number;
  /** /readyz answers 200: caches synced. */
  readyMs: number;
  /** The first reconcile of an AIModel finished. */
  firstReconcileMs: number;
}

interface StartupPair {
  typescript: StartupTimes;
  controllerRuntime: StartupTimes;
}

export interface StartupReport extends StartupPair {
  models: number;
  /** 1-minute load average when the measures started and when they ended. */
  loadAverage: { start: number; end: number };
  /** Each round's figures; the report's own are their medians. */
  rounds: StartupPair[];
}

interface Command {
  id: string;
  executable: string;
  /** What comes before the flags: the script, for Node. */
  program: readonly string[];
  args: readonly string[];
}

function log(message: string): void {
  process.stderr.write(`[bench:controller] ${message}\n`);
}

async function answer(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined; // not listening yet
  }
}

/** Milliseconds from spawning `command --help` until it has exited. */
function timeHelp(command: Command): Promise<number> {
  const started = performance.now();
  const child = spawn(command.executable, [...command.program, '--help'], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
  });
  return new Promise((resolveExit, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolveExit(performance.now() - started));
  });
}

/** Spawns `command`, polls its health port until it has reconciled, stops it; resolves with the times. */
async function timeStartup(
  command: Command,
  kubeconfig: string,
  logDir: string,
): Promise<Omit<StartupTimes, 'helpMs'>> {
  const { health } = await freeLoopbackPorts(['health'] as const);
  const logFile = createWriteStream(join(logDir, `startup-${command.id}-${Date.now()}.log`));
  const base = `http://127.0.0.1:${health}`;
  const started = performance.now();
  const child = spawn(
    command.executable,
    [
      ...command.program,
      ...command.args,
      `--kubeconfig=${kubeconfig}`,
      `--health-probe-bind-address=127.0.0.1:${health}`,
      `--metrics-bind-address=127.0.0.1:${health}`,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  let servingMs: number | undefined;
  let readyMs: number | undefined;
  let firstReconcileMs: number | undefined;
  try {
    while (firstReconcileMs === undefined || readyMs === undefined) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${command.id} exited (code ${child.exitCode}) before its first reconcile`);
      if (performance.now() - started > START_TIMEOUT_MS)
        throw new Error(`${command.id} did not reconcile within ${START_TIMEOUT_MS / 1000} s`);
      if (readyMs === undefined) {
        const ready = await answer(`${base}/readyz`);
        const at = performance.now() - started;
        if (ready !== undefined) servingMs ??= at;
        if (ready?.status === 200) readyMs = at;
      }
      if (servingMs !== undefined && firstReconcileMs === undefined) {
        const metrics = await answer(`${base}/metrics`);
        const at = performance.now() - started;
        const reconciles =
          metrics?.status === 200
            ? sumSamples(parsePrometheusText(metrics.body), 'controller_runtime_reconcile_total', {
                controller: 'aimodel',
              })
            : 0;
        if (reconciles > 0) firstReconcileMs = at;
      }
      await sleep(POLL_MS);
    }
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    logFile.end();
  }
  if (readyMs === undefined || firstReconcileMs === undefined) throw new Error('unreachable');
  return { servingMs: servingMs ?? readyMs, readyMs, firstReconcileMs };
}

/** Medians of each time over the rounds. */
export function medianTimes(rounds: readonly StartupTimes[]): StartupTimes {
  const of = (pick: (t: StartupTimes) => number) => median(rounds.map(pick));
  return {
    helpMs: of((t) => t.helpMs),
    servingMs: of((t) => t.servingMs),
    readyMs: of((t) => t.readyMs),
    firstReconcileMs: of((t) => t.firstReconcileMs),
  };
}

export async function compareStartup(
  api: KubeAPI,
  cluster: LocalCluster,
  opts: BenchOptions,
): Promise<StartupReport> {
  const kubeconfig = cluster.kubeconfigPath;
  const logDir = join(dirname(kubeconfig), 'bench-logs');
  mkdirSync(logDir, { recursive: true });
  const baselineBinary = await buildBaseline();
  const namespace = await createNamespace(api, 'bench-startup');
  const flags = [`--namespaces=${namespace}`, `--workers=${opts.workers}`, `--log-level=${opts.logLevel}`];
  const typescript: Command = {
    id: 'ts',
    executable: process.execPath,
    program: ['controller/main.ts'],
    args: [...flags, '--leader-elect=false', `--gateway-resolver=${BENCH_RESOLVER}`],
  };
  const controllerRuntime: Command = { id: 'go', executable: baselineBinary, program: [], args: flags };

  // The models converge first, so that every start finds the same workload with nothing to write.
  log(`startup: ${opts.count} AIModels in ${namespace}, converged by this project's controller first`);
  const converging = await ControllerProcess.start({
    name: 'startup-converge',
    kubeconfig,
    logDir,
    args: typescript.args,
  });
  const began = Date.now();
  await inParallel(workload(namespace, opts.count, 1).models, CLIENT_CONCURRENCY, (model) =>
    api.create(AI_MODELS, model),
  );
  await timeUntil(api, AI_MODELS, namespace, opts.count, isReady, began, CONVERGE_TIMEOUT_MS);
  await converging.stop();

  const loadAtStart = loadavg()[0] ?? 0;
  const rounds: StartupPair[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    // Alternating which goes first, so a change in the machine's load does not always favour one.
    const order = round % 2 === 1 ? [typescript, controllerRuntime] : [controllerRuntime, typescript];
    const times = new Map<string, StartupTimes>();
    for (const command of order) {
      const helpMs = await timeHelp(command);
      times.set(command.id, { helpMs, ...(await timeStartup(command, kubeconfig, logDir)) });
    }
    const pair = { typescript: times.get('ts'), controllerRuntime: times.get('go') } as StartupPair;
    log(
      `startup round ${round}: first reconcile ${pair.typescript.firstReconcileMs.toFixed(0)} ms ` +
        `against ${pair.controllerRuntime.firstReconcileMs.toFixed(0)} ms`,
    );
    rounds.push(pair);
  }
  return {
    models: opts.count,
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    typescript: medianTimes(rounds.map((r) => r.typescript)),
    controllerRuntime: medianTimes(rounds.map((r) => r.controllerRuntime)),
    rounds,
  };
}

export function formatStartupReport(r: StartupReport): string {
  const rows: [string, (t: StartupTimes) => number][] = [
    ['loaded (--help exits)', (t) => t.helpMs],
    ['health port answers', (t) => t.servingMs],
    ['caches synced (/readyz 200)', (t) => t.readyMs],
    ['first reconcile finished', (t) => t.firstReconcileMs],
  ];
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const perRound = (pick: (p: StartupPair) => StartupTimes) =>
    r.rounds.map((p) => pick(p).firstReconcileMs.toFixed(0)).join(', ');
  const lines = [
    `start-up with ${r.models} converged AIModels, from spawn; ${r.rounds.length === 1 ? '1 round' : `medians of ${r.rounds.length} rounds`}; load average ${r.loadAverage.start.toFixed(1)} at the start, ${r.loadAverage.end.toFixed(1)} at the end`,
    `${''.padEnd(30)}${'this project'.padStart(14)}${'controller-runtime'.padStart(20)}${'ratio'.padStart(8)}`,
    ...rows.map(([label, pick]) => {
      const a = pick(r.typescript);
      const b = pick(r.controllerRuntime);
      return `${label.padEnd(30)}${ms(a).padStart(14)}${ms(b).padStart(20)}${(b === 0 ? '-' : (a / b).toFixed(2)).padStart(8)}`;
    }),
    ...(r.rounds.length === 1
      ? []
      : [
          `first reconcile per round (ms): this project ${perRound((p) => p.typescript)}; ` +
            `controller-runtime ${perRound((p) => p.controllerRuntime)} (this project first in odd rounds)`,
        ]),
  ];
  return `${lines.join('\n')}\n`;
}
