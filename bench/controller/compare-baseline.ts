// bench:controller --baseline: this project's controller against a controller-runtime baseline (the Go
// program in bench/controller/baseline/, which reconciles AIModels the same way), one after the other on
// the same cluster, each in a fresh namespace with N served models: time until all are Ready and the
// controller's CPU time meanwhile, writes per model counted by the API server, and resident memory idle
// (caches synced), after converging, restarted on the workload, and with 10,000 more labelled ConfigMaps
// cached. Each controller then takes over the other's converged models, which must cost no write: the
// check that both make the same children and the same status.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import { CONFIG_MAPS } from '../../shared/kube/well-known-resources.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../controller/children/labels.ts';
import { AI_MODELS } from '../../controller/reconcilers/custom-resources.ts';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { waitFor } from '../../e2e/setup/cluster-env.ts';
import { ControllerProcess } from '../../e2e/controller/support/controller-process.ts';
import {
  controllerWriteSeries,
  controllerWrites,
  createNamespace,
  deleteNamespace,
  grownSeries,
} from '../../e2e/controller/support/operator-cluster.ts';
import { NAMESPACES } from '../../e2e/runtime/support/cluster-api.ts';
import type { ControllerWrites } from '../../e2e/controller/support/operator-cluster.ts';
import type { BenchOptions } from './bench-options.ts';
import { isReady, timeUntil } from './convergence.ts';
import { inParallel } from './in-parallel.ts';
import { BENCH_RESOLVER, workload } from './workload.ts';
import { median } from '../lib/statistics.ts';
import { CONTROLLER_NODE_OPTIONS, CONTROLLER_SCRIPT, buildController } from './compiled-controller.ts';

const BUILD_SCRIPT = fileURLToPath(new URL('./baseline/build.sh', import.meta.url));
const CLIENT_CONCURRENCY = 16;
const CONVERGE_TIMEOUT_MS = 30 * 60_000;
/** Time for a process to settle (garbage collection, lazy start-up work) before its memory is read. */
const SETTLE_MS = 10_000;

export interface ControllerFigures {
  seconds: number;
  /** CPU time the controller used from the first model created until all were Ready. */
  cpuSeconds: number;
  writes: ControllerWrites;
  writesPerModel: number;
  /** Writes answered 409 Conflict. */
  conflicts: number;
  memoryMiB: { idle: number; converged: number; restarted: number; cached?: number };
  /** Writes the other controller made taking over these converged models; 0 when both agree. */
  takeoverWrites: number;
}

interface Pair {
  typescript: ControllerFigures;
  controllerRuntime: ControllerFigures;
}

export interface BaselineReport extends Pair {
  count: number;
  workers: number;
  cachedObjects: number;
  /** 1-minute load average when the run started and when it ended. */
  loadAverage: { start: number; end: number };
  /** Each round's figures; the report's own are their medians (counts: their sums). */
  rounds: Pair[];
}

interface Contender {
  /** Names namespaces and logs. */
  id: string;
  start(name: string, namespaces: readonly string[]): Promise<ControllerProcess>;
}

interface Run {
  api: KubeAPI;
  cluster: LocalCluster;
  opts: BenchOptions;
  cacheNamespace: string | undefined;
}

function log(message: string): void {
  process.stderr.write(`[bench:controller] ${message}\n`);
}

/** Runs build.sh (a no-op when the binary is cached) and resolves with the binary's path. */
export function buildBaseline(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', process.stderr] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', (err) =>
      reject(new Error(`cannot run ${BUILD_SCRIPT}: ${err.message}`, { cause: err })),
    );
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(out.trim());
      else
        reject(
          new Error(`${BUILD_SCRIPT} failed (${code === null ? `signal ${signal}` : `exit code ${code}`})`),
        );
    });
  });
}

function contenders(kubeconfig: string, opts: BenchOptions, baselineBinary: string): [Contender, Contender] {
  const logDir = join(dirname(kubeconfig), 'bench-logs');
  const common = (namespaces: readonly string[]) => [
    `--namespaces=${namespaces.join(',')}`,
    `--workers=${opts.workers}`,
    `--log-level=${opts.logLevel}`,
  ];
  return [
    {
      id: 'ts',
      start: (name, namespaces) =>
        ControllerProcess.start({
          name,
          kubeconfig,
          logDir,
          script: CONTROLLER_SCRIPT,
          env: { NODE_OPTIONS: CONTROLLER_NODE_OPTIONS },
          args: [...common(namespaces), '--leader-elect=false', `--gateway-resolver=${BENCH_RESOLVER}`],
        }),
    },
    {
      id: 'go',
      start: (name, namespaces) =>
        ControllerProcess.start({
          name,
          kubeconfig,
          logDir,
          executable: baselineBinary,
          args: common(namespaces),
        }),
    },
  ];
}

async function residentMiB(controller: ControllerProcess): Promise<number> {
  await sleep(SETTLE_MS);
  return (await controller.residentMemoryBytes()) / 2 ** 20;
}

function total(writes: ControllerWrites): number {
  return writes.children + writes.status;
}

async function createCachedConfigMaps(api: KubeAPI, count: number): Promise<string> {
  const namespace = await createNamespace(api, 'bench-cache');
  log(`memory: creating ${count} labelled ConfigMaps in ${namespace}`);
  await inParallel(
    Array.from({ length: count }, (_, i) => i),
    32,
    (i) =>
      api.create(CONFIG_MAPS, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { namespace, name: `cached-${i}`, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
        data: { 'config.json': JSON.stringify({ index: i, padding: 'x'.repeat(200) }) },
      }),
  );
  return namespace;
}

/** Deletes a namespace and waits until it is gone: the garbage collector's deletes of its children must
 * not be counted as the next controller's writes. */
async function removeNamespace(api: KubeAPI, name: string): Promise<void> {
  await deleteNamespace(api, name);
  await waitFor(async () => !(await api.list(NAMESPACES, {})).items.some((ns) => ns.metadata.name === name), {
    description: `namespace ${name} to be deleted`,
    timeoutMs: CONVERGE_TIMEOUT_MS,
    intervalMs: 1000,
  });
}

async function measure(run: Run, contender: Contender, other: Contender): Promise<ControllerFigures> {
  const { api, cluster, opts } = run;
  const namespace = await createNamespace(api, `bench-${contender.id}`);
  let controller = await contender.start(contender.id, [namespace]);
  const idle = await residentMiB(controller);
  const cpuBefore = await controller.metric('process_cpu_seconds_total');

  const beforeSamples = await cluster.apiServerMetrics();
  log(`${contender.id}: creating ${opts.count} AIModels in ${namespace}`);
  const started = Date.now();
  await inParallel(workload(namespace, opts.count, 1).models, CLIENT_CONCURRENCY, (model) =>
    api.create(AI_MODELS, model),
  );
  const seconds = await timeUntil(
    api,
    AI_MODELS,
    namespace,
    opts.count,
    isReady,
    started,
    CONVERGE_TIMEOUT_MS,
  );
  const cpuSeconds = (await controller.metric('process_cpu_seconds_total')) - cpuBefore;
  await sleep(2_000);
  const convergedSamples = await cluster.apiServerMetrics();
  const writes = controllerWrites(convergedSamples);
  const before = controllerWrites(beforeSamples);
  const diff = { children: writes.children - before.children, status: writes.status - before.status };
  const conflicts = Object.entries(
    grownSeries(controllerWriteSeries(beforeSamples), controllerWriteSeries(convergedSamples)),
  )
    .filter(([series]) => series.endsWith(' 409'))
    .reduce((sum, [, n]) => sum + n, 0);
  log(`${contender.id}: all Ready after ${seconds.toFixed(1)} s, ${total(diff)} writes`);
  const converged = await residentMiB(controller);
  await controller.stop();

  controller = await other.start(`${other.id}-takeover`, [namespace]);
  await controller.waitFor(
    'to reconcile every model once',
    async () =>
      (await controller.metric('controller_runtime_reconcile_total', { controller: 'aimodel' })) >=
      opts.count,
    CONVERGE_TIMEOUT_MS,
  );
  await sleep(5_000);
  const takeoverWrites = total(controllerWrites(await cluster.apiServerMetrics())) - total(writes);
  await controller.stop();
  log(`${contender.id}: ${other.id} took over its models with ${takeoverWrites} writes`);

  controller = await contender.start(`${contender.id}-restarted`, [namespace]);
  const restarted = await residentMiB(controller);
  await controller.stop();
  const memoryMiB: ControllerFigures['memoryMiB'] = { idle, converged, restarted };
  if (run.cacheNamespace) {
    controller = await contender.start(`${contender.id}-cached`, [namespace, run.cacheNamespace]);
    memoryMiB.cached = await residentMiB(controller);
    await controller.stop();
  }
  await removeNamespace(api, namespace);
  return {
    seconds,
    cpuSeconds,
    writes: diff,
    writesPerModel: total(diff) / opts.count,
    conflicts,
    memoryMiB,
    takeoverWrites,
  };
}

export async function compareWithBaseline(
  api: KubeAPI,
  cluster: LocalCluster,
  opts: BenchOptions,
): Promise<BaselineReport> {
  const baselineBinary = await buildBaseline();
  log('building the controller (tsc -p tsconfig.build.json)');
  await buildController();
  const loadAtStart = loadavg()[0] ?? 0;
  const [typescript, controllerRuntime] = contenders(cluster.kubeconfigPath, opts, baselineBinary);
  const cacheNamespace =
    opts.cachedObjects > 0 ? await createCachedConfigMaps(api, opts.cachedObjects) : undefined;
  const run: Run = { api, cluster, opts, cacheNamespace };
  const rounds: Pair[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    // Alternating which goes first, so a change in the machine's load does not always favour one.
    if (round % 2 === 1) {
      const ts = await measure(run, typescript, controllerRuntime);
      rounds.push({ typescript: ts, controllerRuntime: await measure(run, controllerRuntime, typescript) });
    } else {
      const go = await measure(run, controllerRuntime, typescript);
      rounds.push({ typescript: await measure(run, typescript, controllerRuntime), controllerRuntime: go });
    }
  }
  return {
    count: opts.count,
    workers: opts.workers,
    cachedObjects: opts.cachedObjects,
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    typescript: combined(rounds.map((r) => r.typescript)),
    controllerRuntime: combined(rounds.map((r) => r.controllerRuntime)),
    rounds,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Medians of the rounds' measures, sums of their counts. */
export function combined(rounds: readonly ControllerFigures[]): ControllerFigures {
  const of = (pick: (f: ControllerFigures) => number) => median(rounds.map(pick));
  const cached = rounds.flatMap((f) => (f.memoryMiB.cached === undefined ? [] : [f.memoryMiB.cached]));
  return {
    seconds: of((f) => f.seconds),
    cpuSeconds: of((f) => f.cpuSeconds),
    writes: {
      children: sum(rounds.map((f) => f.writes.children)),
      status: sum(rounds.map((f) => f.writes.status)),
    },
    writesPerModel: of((f) => f.writesPerModel),
    conflicts: sum(rounds.map((f) => f.conflicts)),
    memoryMiB: {
      idle: of((f) => f.memoryMiB.idle),
      converged: of((f) => f.memoryMiB.converged),
      restarted: of((f) => f.memoryMiB.restarted),
      ...(cached.length > 0 ? { cached: median(cached) } : {}),
    },
    takeoverWrites: sum(rounds.map((f) => f.takeoverWrites)),
  };
}

export function formatBaselineReport(r: BaselineReport): string {
  const ts = r.typescript;
  const go = r.controllerRuntime;
  const rows: [string, number | undefined, number | undefined, (n: number) => string][] = [
    ['all Ready', ts.seconds, go.seconds, (n) => `${n.toFixed(1)} s`],
    ['CPU time converging', ts.cpuSeconds, go.cpuSeconds, (n) => `${n.toFixed(1)} s`],
    ['writes per model', ts.writesPerModel, go.writesPerModel, (n) => n.toFixed(2)],
    ['RSS idle, caches synced', ts.memoryMiB.idle, go.memoryMiB.idle, mib],
    ['RSS after converging', ts.memoryMiB.converged, go.memoryMiB.converged, mib],
    ['RSS restarted on the workload', ts.memoryMiB.restarted, go.memoryMiB.restarted, mib],
    [`RSS with ${r.cachedObjects} more ConfigMaps`, ts.memoryMiB.cached, go.memoryMiB.cached, mib],
    ['per cached ConfigMap', perObject(ts, r), perObject(go, r), (n) => `${n.toFixed(2)} KiB`],
  ];
  const perRound = (pick: (p: Pair) => ControllerFigures, what: (f: ControllerFigures) => number) =>
    r.rounds.map((p) => what(pick(p)).toFixed(1)).join(', ');
  const lines = [
    `N = ${r.count} AIModels, ${r.workers} workers, ${r.rounds.length === 1 ? '1 round' : `medians of ${r.rounds.length} rounds`}; load average ${r.loadAverage.start.toFixed(1)} at the start, ${r.loadAverage.end.toFixed(1)} at the end`,
    `${''.padEnd(34)}${'this project'.padStart(14)}${'controller-runtime'.padStart(20)}${'ratio'.padStart(8)}`,
    ...rows
      .filter(([, a, b]) => a !== undefined && b !== undefined)
      .map(
        ([label, a = 0, b = 0, format]) =>
          `${label.padEnd(34)}${format(a).padStart(14)}${format(b).padStart(20)}${(b === 0 ? '-' : (a / b).toFixed(2)).padStart(8)}`,
      ),
    ...(r.rounds.length === 1
      ? []
      : [
          `all Ready per round (s): this project ${perRound(
            (p) => p.typescript,
            (f) => f.seconds,
          )}; ` +
            `controller-runtime ${perRound(
              (p) => p.controllerRuntime,
              (f) => f.seconds,
            )} (this project first in odd rounds)`,
          `CPU time per round (s): this project ${perRound(
            (p) => p.typescript,
            (f) => f.cpuSeconds,
          )}; ` +
            `controller-runtime ${perRound(
              (p) => p.controllerRuntime,
              (f) => f.cpuSeconds,
            )}`,
        ]),
    `writes: this project ${ts.writes.children} children + ${ts.writes.status} status (${ts.conflicts} answered 409), ` +
      `controller-runtime ${go.writes.children} + ${go.writes.status} (${go.conflicts} answered 409)`,
    `taking over the other's converged models: controller-runtime wrote ${ts.takeoverWrites}, this project ${go.takeoverWrites} (0: same children and status)`,
  ];
  return `${lines.join('\n')}\n`;
}

function mib(n: number): string {
  return `${n.toFixed(0)} MiB`;
}

/** RSS per cached ConfigMap: the restarted process on the workload against one also caching them. */
function perObject(f: ControllerFigures, r: BaselineReport): number | undefined {
  if (f.memoryMiB.cached === undefined || r.cachedObjects === 0) return undefined;
  return ((f.memoryMiB.cached - f.memoryMiB.restarted) * 1024) / r.cachedObjects;
}
