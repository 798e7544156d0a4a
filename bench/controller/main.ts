// The controller benchmark on a local control plane (kube-apiserver, controller-manager, scheduler, kwok):
// 1. floor: a bare client creates the children of N models and N routes directly; time until every
//    Deployment is available;
// 2. the controller: N AIModels and N APIGatewayRoutes are created; time until all are Ready, and the
//    controller's writes per custom resource, counted by the API server;
// 3. steady state: writes while nothing changes, and after a controller restart;
// 4. memory: the controller's resident memory with its caches holding the workload, and holding 10,000
//    more labelled ConfigMaps.
// With --baseline it compares the controller with a controller-runtime baseline instead (compare-baseline.ts),
// with --startup their start-up times (startup.ts).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { loadKubeConfig } from '../../shared/kube/config.ts';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import { CONFIG_MAPS, DEPLOYMENTS, SERVICES } from '../../shared/kube/well-known-resources.ts';
import type { ResourceDescriptor } from '../../shared/kube/resource.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../controller/children/labels.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { withBenchCluster } from '../lib/bench-cluster.ts';
import { installCRDs } from '../../e2e/setup/crds.ts';
import { ControllerProcess } from '../../e2e/controller/support/controller-process.ts';
import {
  controllerWriteSeries,
  controllerWrites,
  createNamespace,
  ensureSchedulableNode,
  grownSeries,
} from '../../e2e/controller/support/operator-cluster.ts';
import type { ControllerWrites } from '../../e2e/controller/support/operator-cluster.ts';
import { BENCH_USAGE, parseBenchOptions } from './bench-options.ts';
import { compareWithBaseline, formatBaselineReport } from './compare-baseline.ts';
import type { BaselineReport } from './compare-baseline.ts';
import { CONTROLLER_NODE_OPTIONS, CONTROLLER_SCRIPT, buildController } from './compiled-controller.ts';
import type { BenchOptions } from './bench-options.ts';
import { compareStartup, formatStartupReport } from './startup.ts';
import type { StartupReport } from './startup.ts';
import { isAvailable, isReady, timeUntil } from './convergence.ts';
import { inParallel } from './in-parallel.ts';
import { BENCH_RESOLVER, floorChildren, workload } from './workload.ts';

const CLIENT_CONCURRENCY = 16;
const PODS_PER_NODE = 100;
const CONVERGE_TIMEOUT_MS = 30 * 60_000;

interface Report {
  count: number;
  gateways: number;
  floor: { seconds: number; writes: number };
  controller: {
    seconds: number;
    writes: ControllerWrites;
    writesPerCustomResource: number;
    /** Writes answered 409 Conflict (a status computed from a cache that had not seen the last write). */
    conflicts: number;
  };
  steadyState: {
    seconds: number;
    writesIdle: number;
    writesAfterRestart: number;
    /** "VERB resource/subresource code" → count, to tell what a restart wrote. */
    afterRestartBySeries: Record<string, number>;
  };
  memory: { workloadCachedObjects: number; workloadRSSMiB: number; cachedObjects?: number; rssMiB?: number };
}

function log(message: string): void {
  process.stderr.write(`[bench:controller] ${message}\n`);
}

function totalWrites(w: ControllerWrites): number {
  return w.children + w.status;
}

function diff(after: ControllerWrites, before: ControllerWrites): ControllerWrites {
  return { children: after.children - before.children, status: after.status - before.status };
}

async function addFakeNodes(api: KubeAPI, pods: number): Promise<void> {
  const nodes = Math.ceil(pods / PODS_PER_NODE);
  for (let i = 0; i < nodes; i++) await ensureSchedulableNode(api, `bench-node-${i}`);
}

function resourceOf(object: KubeObject): ResourceDescriptor {
  return { ConfigMap: CONFIG_MAPS, Service: SERVICES, Deployment: DEPLOYMENTS }[object.kind] ?? CONFIG_MAPS;
}

async function floor(api: KubeAPI, opts: BenchOptions): Promise<Report['floor']> {
  const namespace = await createNamespace(api, 'bench-floor');
  const children = floorChildren(namespace, workload(namespace, opts.count, opts.routesPerGateway));
  const deployments = children.filter((c) => c.kind === 'Deployment').length;
  log(`floor: creating ${children.length} children directly in ${namespace}`);
  const started = Date.now();
  await inParallel(children, CLIENT_CONCURRENCY, (child) => api.create(resourceOf(child), child));
  const seconds = await timeUntil(
    api,
    DEPLOYMENTS,
    namespace,
    deployments,
    isAvailable,
    started,
    CONVERGE_TIMEOUT_MS,
  );
  log(`floor: ${deployments} Deployments available after ${seconds.toFixed(1)} s`);
  return { seconds, writes: children.length };
}

async function startController(kubeconfig: string, opts: BenchOptions, name: string, namespaces: string[]) {
  return ControllerProcess.start({
    name,
    kubeconfig,
    script: CONTROLLER_SCRIPT,
    env: { NODE_OPTIONS: CONTROLLER_NODE_OPTIONS },
    logDir: join(dirname(kubeconfig), 'bench-logs'),
    args: [
      `--namespaces=${namespaces.join(',')}`,
      '--leader-elect=false',
      `--gateway-resolver=${BENCH_RESOLVER}`,
      `--workers=${opts.workers}`,
      `--log-level=${opts.logLevel}`,
    ],
  });
}

async function runBaseline(opts: BenchOptions, cluster: LocalCluster): Promise<BaselineReport> {
  const api = HTTPKubeAPI.fromKubeConfig(loadKubeConfig(cluster.kubeconfigPath), {
    requestTimeoutMs: 60_000,
  });
  await installCRDs();
  await addFakeNodes(api, opts.count + 10);
  const report = await compareWithBaseline(api, cluster, opts);
  process.stdout.write(formatBaselineReport(report));
  return report;
}

async function runStartup(opts: BenchOptions, cluster: LocalCluster): Promise<StartupReport> {
  const api = HTTPKubeAPI.fromKubeConfig(loadKubeConfig(cluster.kubeconfigPath), {
    requestTimeoutMs: 60_000,
  });
  await installCRDs();
  await addFakeNodes(api, opts.count + 10);
  const report = await compareStartup(api, cluster, opts);
  process.stdout.write(formatStartupReport(report));
  return report;
}

async function run(opts: BenchOptions, cluster: LocalCluster): Promise<Report> {
  const kubeconfig = cluster.kubeconfigPath;
  const api = HTTPKubeAPI.fromKubeConfig(loadKubeConfig(kubeconfig), { requestTimeoutMs: 60_000 });
  const gateways = Math.ceil(opts.count / opts.routesPerGateway);
  await installCRDs();
  await addFakeNodes(api, 2 * (opts.count + gateways) + 10);
  await buildController();

  const floorResult = await floor(api, opts);

  const namespace = await createNamespace(api, 'bench-ctl');
  const load = workload(namespace, opts.count, opts.routesPerGateway);
  let controller = await startController(kubeconfig, opts, 'bench', [namespace]);
  const beforeSamples = await cluster.apiServerMetrics();
  const before = controllerWrites(beforeSamples);
  log(
    `controller: creating ${opts.count} AIModels and ${opts.count} APIGatewayRoutes (${gateways} gateways)`,
  );
  const started = Date.now();
  await inParallel([...load.models, ...load.routes], CLIENT_CONCURRENCY, (object) =>
    api.create(object.kind === 'AIModel' ? AI_MODELS : API_GATEWAY_ROUTES, object),
  );
  const modelSeconds = await timeUntil(
    api,
    AI_MODELS,
    namespace,
    opts.count,
    isReady,
    started,
    CONVERGE_TIMEOUT_MS,
  );
  const seconds = Math.max(
    modelSeconds,
    await timeUntil(api, API_GATEWAY_ROUTES, namespace, opts.count, isReady, started, CONVERGE_TIMEOUT_MS),
  );
  await sleep(2_000);
  const convergedSamples = await cluster.apiServerMetrics();
  const converged = controllerWrites(convergedSamples);
  const writes = diff(converged, before);
  const conflicts = Object.entries(
    grownSeries(controllerWriteSeries(beforeSamples), controllerWriteSeries(convergedSamples)),
  )
    .filter(([series]) => series.endsWith(' 409'))
    .reduce((total, [, count]) => total + count, 0);
  log(
    `controller: all Ready after ${seconds.toFixed(1)} s (models ${modelSeconds.toFixed(1)} s), ${totalWrites(writes)} writes`,
  );

  log(`steady state: watching writes for ${opts.steadySeconds} s, restart, ${opts.steadySeconds} s`);
  await sleep(opts.steadySeconds * 1000);
  const idleSamples = await cluster.apiServerMetrics();
  const idle = controllerWrites(idleSamples);
  await controller.stop();
  controller = await startController(kubeconfig, opts, 'bench-restarted', [namespace]);
  await controller.waitFor(
    'to reconcile every model and gateway once',
    async () => (await controller.metric('controller_runtime_reconcile_total')) >= opts.count + gateways,
    CONVERGE_TIMEOUT_MS,
  );
  await sleep(opts.steadySeconds * 1000);
  const restartedSamples = await cluster.apiServerMetrics();
  const restarted = controllerWrites(restartedSamples);
  const workloadCachedObjects = 2 * opts.count + 3 * (opts.count + gateways);
  const workloadRSSMiB = (await controller.residentMemoryBytes()) / 2 ** 20;
  await controller.stop();

  const memory: Report['memory'] = { workloadCachedObjects, workloadRSSMiB };
  if (opts.cachedObjects > 0) {
    const cacheNamespace = await createNamespace(api, 'bench-cache');
    log(`memory: creating ${opts.cachedObjects} labelled ConfigMaps in ${cacheNamespace}`);
    const index = Array.from({ length: opts.cachedObjects }, (_, i) => i);
    await inParallel(index, 32, (i) =>
      api.create(CONFIG_MAPS, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          namespace: cacheNamespace,
          name: `cached-${i}`,
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
        },
        data: { 'config.json': JSON.stringify({ index: i, padding: 'x'.repeat(200) }) },
      }),
    );
    controller = await startController(kubeconfig, opts, 'bench-memory', [namespace, cacheNamespace]);
    await sleep(10_000);
    memory.cachedObjects = workloadCachedObjects + opts.cachedObjects;
    memory.rssMiB = (await controller.residentMemoryBytes()) / 2 ** 20;
    await controller.stop();
  }

  return {
    count: opts.count,
    gateways,
    floor: floorResult,
    controller: {
      seconds,
      writes,
      writesPerCustomResource: totalWrites(writes) / (2 * opts.count),
      conflicts,
    },
    steadyState: {
      seconds: opts.steadySeconds,
      writesIdle: totalWrites(diff(idle, converged)),
      writesAfterRestart: totalWrites(diff(restarted, idle)),
      afterRestartBySeries: grownSeries(
        controllerWriteSeries(idleSamples),
        controllerWriteSeries(restartedSamples),
      ),
    },
    memory,
  };
}

function printReport(r: Report): void {
  const lines = [
    `N = ${r.count} AIModels + ${r.count} APIGatewayRoutes (${r.gateways} gateways)`,
    `floor (bare client, ${r.floor.writes} creates):        ${r.floor.seconds.toFixed(1)} s`,
    `controller, all Ready:                         ${r.controller.seconds.toFixed(1)} s`,
    `controller writes: ${r.controller.writes.children} children + ${r.controller.writes.status} status = ${r.controller.writesPerCustomResource.toFixed(2)} per custom resource (${r.controller.conflicts} answered 409)`,
    `steady state writes: ${r.steadyState.writesIdle} in ${r.steadyState.seconds} s idle, ${r.steadyState.writesAfterRestart} after a restart`,
    `RSS with ${r.memory.workloadCachedObjects} cached objects: ${r.memory.workloadRSSMiB.toFixed(0)} MiB`,
    ...(r.memory.rssMiB === undefined
      ? []
      : [`RSS with ${r.memory.cachedObjects} cached objects: ${r.memory.rssMiB.toFixed(0)} MiB`]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help')) {
    process.stdout.write(BENCH_USAGE);
    return;
  }
  const opts = parseBenchOptions(argv);
  await withBenchCluster(opts.kubeconfig, async (cluster) => {
    log(`cluster ${cluster.id} at ${cluster.apiServerURL}`);
    let report: Report | BaselineReport | StartupReport;
    if (opts.startup) report = await runStartup(opts, cluster);
    else if (opts.baseline) report = await runBaseline(opts, cluster);
    else printReport((report = await run(opts, cluster)));
    if (opts.out) writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`[bench:controller] failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
