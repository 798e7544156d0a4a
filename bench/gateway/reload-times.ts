// How long a gateway pod takes to serve a changed configuration, by the number of routes: a real nginx
// and the reloader (as the pod runs them, e2e/gateway-reload/support/gateway-pod.ts) start with N routes;
// then, again and again, one route's path changes and the new configuration is written into the mount the
// way the kubelet does. Measured: from the kubelet's swap of `..data` to the reloader reporting the new
// configuration loaded (noticing it, the signal, nginx parsing and starting new workers) and to the new
// path answering 200; the reloader's own figure, from the signal to nginx answering with the new hash; and
// the CPU time the nginx master spent on it (parsing and checking the configuration, starting workers),
// which, unlike the others, hardly depends on what else the machine is doing.
import { performance } from 'node:perf_hooks';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import { GATEWAY_CONFIG_FILE, renderGatewayConfig } from '../../shared/gateway/render-gateway-config.ts';
import type { GatewayConfig } from '../../shared/gateway/render-gateway-config.ts';
import {
  FIXTURE_GATEWAY,
  FIXTURE_NAMESPACE,
  gatewayRoute,
} from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend } from '../../test/nginx/echo-backend.ts';
import { freeLoopbackPort } from '../../test/nginx/free-port.ts';
import { sendRequest } from '../../test/nginx/http-request.ts';
import { startLoopbackDNSServer } from '../../test/nginx/loopback-dns-server.ts';
import { startGatewayPod } from '../../e2e/gateway-reload/support/gateway-pod.ts';
import { processCPUNs } from '../lib/process-cpu.ts';
import { waitFor } from '../../e2e/cluster/wait-for.ts';
import { percentile } from '../lib/statistics.ts';

/** How often a change is polled for: the figures' resolution. */
const POLL_MS = 5;

/** Routes share this many backend Services, as routes of a real gateway share a few. */
const SERVICES = 20;

export interface ReloadTimes {
  routes: number;
  configKiB: number;
  runs: number;
  /** Median and slowest, in milliseconds. */
  mountToLoaded: { medianMs: number; maxMs: number };
  mountToServed: { medianMs: number; maxMs: number };
  signalToLoaded: { medianMs: number; maxMs: number };
  masterCPU: { medianMs: number; maxMs: number };
}

function routes(count: number, port: number, changed: string | undefined): APIGatewayRouteV1[] {
  return Array.from({ length: count }, (_, i) =>
    gatewayRoute(`route-${i}`, {
      path: i === 0 && changed !== undefined ? changed : `/api/v${i % 7}/items-${i}`,
      method: i % 2 === 0 ? 'GET' : 'ANY',
      destinationService: `svc-${i % SERVICES}`,
      destinationPort: port,
      // A tenth match a header too, as routes of several teams on one path do.
      ...(i % 10 === 5 ? { headers: [{ name: 'x-tenant', value: `tenant-${i}` }] } : {}),
    }),
  );
}

function summary(values: readonly number[]): { medianMs: number; maxMs: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { medianMs: percentile(sorted, 50), maxMs: sorted.at(-1) ?? 0 };
}

/** `runs` changes of a gateway with `count` routes. */
export async function measureReloadTimes(count: number, runs: number): Promise<ReloadTimes> {
  const backend = await startEchoBackend('bench');
  const dns = await startLoopbackDNSServer(
    Array.from({ length: SERVICES }, (_, i) => `svc-${i}.${FIXTURE_NAMESPACE}.svc.cluster.local`),
  );
  const port = await freeLoopbackPort();
  let metricsPort = await freeLoopbackPort();
  while (metricsPort === port) metricsPort = await freeLoopbackPort();
  const render = (runtimeDirectory: string, changed?: string): GatewayConfig =>
    renderGatewayConfig({
      namespace: FIXTURE_NAMESPACE,
      gateway: FIXTURE_GATEWAY,
      routes: routes(count, backend.port, changed),
      models: [],
      resolver: dns.address,
      listenAddress: '127.0.0.1',
      listenPort: port,
      metricsPort,
      runtimeDirectory,
      accessLog: '/dev/null',
      workerProcesses: 2,
    });
  const volume = (config: GatewayConfig) => ({ [GATEWAY_CONFIG_FILE]: config.config, ...config.files });
  let first: GatewayConfig | undefined;
  const pod = await startGatewayPod(
    {
      port,
      statusHost: '127.0.0.1',
      statusPort: await freeLoopbackPort(),
      // A gateway of 10,000 routes takes tens of seconds to start and to reload on a busy machine.
      startTimeoutMs: 600_000,
      reloadTimeoutSeconds: 600,
    },
    (directories) => volume((first = render(directories.runtime))),
  );
  try {
    await pod.waitFor(first?.hash ?? '', 'loaded', 600_000);
    const mountToLoaded: number[] = [];
    const mountToServed: number[] = [];
    const signalToLoaded: number[] = [];
    const masterCPU: number[] = [];
    for (let run = 0; run < runs; run++) {
      const path = `/changed-${run}`;
      const next = render(pod.directories.runtime, path);
      const cpuBefore = processCPUNs(pod.nginxPID);
      const started = performance.now();
      await pod.mount(volume(next));
      let loadedAt: number | undefined;
      await waitFor(
        async () => {
          const status = await pod.status();
          if (status.refused?.hash === next.hash) throw new Error(`nginx refused: ${status.refused.error}`);
          if (status.loadedHash !== next.hash) return false;
          loadedAt ??= performance.now();
          signalToLoaded.push((status.lastReloadSeconds ?? NaN) * 1000);
          return true;
        },
        { description: `the reload of ${count} routes`, timeoutMs: 600_000, intervalMs: POLL_MS },
      );
      mountToLoaded.push((loadedAt ?? NaN) - started);
      masterCPU.push((processCPUNs(pod.nginxPID) - cpuBefore) / 1e6);
      await waitFor(async () => (await sendRequest(port, path)).status === 200, {
        description: `serving ${path}`,
        timeoutMs: 60_000,
        intervalMs: POLL_MS,
      });
      mountToServed.push(performance.now() - started);
    }
    return {
      routes: count,
      configKiB: Math.round(Buffer.byteLength(first?.config ?? '') / 1024),
      runs,
      mountToLoaded: summary(mountToLoaded),
      mountToServed: summary(mountToServed),
      signalToLoaded: summary(signalToLoaded),
      masterCPU: summary(masterCPU),
    };
  } finally {
    await pod.stop();
    await dns.close();
    await backend.close();
  }
}
