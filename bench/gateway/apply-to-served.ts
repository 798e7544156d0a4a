// The time from `kubectl apply` of a route to the gateway answering on it, on the local control plane:
// the controller process renders and writes the ConfigMap, the gateway pod (its nginx and reloader as
// processes, e2e/gateway-reload/support/cluster-gateway-pod.ts) gets the new ConfigMap in its volume
// and reloads, and the new path answers 200; then the route's status turns Ready once the controller has
// read the pod's reloader. The kubelet's part is played at once here (the ConfigMap is looked at every
// 100 ms): a real kubelet writes a changed ConfigMap into a running pod's volume only at its next sync of
// the pod, which comes every minute by default (--sync-frequency) plus its cache's delay, and that wait
// is not in these figures.
import { performance } from 'node:perf_hooks';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { loadKubeConfig } from '../../shared/kube/config.ts';
import { API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { ControllerProcess } from '../../e2e/controller/support/controller-process.ts';
import { serviceRoute } from '../../e2e/controller/support/objects.ts';
import {
  createNamespace,
  deleteNamespace,
  ensureSchedulableNode,
} from '../../e2e/controller/support/operator-cluster.ts';
import { startClusterGatewayPod } from '../../e2e/gateway-reload/support/cluster-gateway-pod.ts';
import { installCRDs } from '../../e2e/setup/crds.ts';
import { startEchoBackend } from '../../test/nginx/echo-backend.ts';
import { freeLoopbackPort } from '../../test/nginx/free-port.ts';
import { sendRequest } from '../../test/nginx/http-request.ts';
import { startLoopbackDNSServer } from '../../test/nginx/loopback-dns-server.ts';
import { waitFor } from '../../e2e/cluster/wait-for.ts';
import { percentile } from '../lib/statistics.ts';

/** How often a change is polled for: the figures' resolution. */
const POLL_MS = 5;

export interface ApplyToServed {
  changes: number;
  /** Milliseconds from starting `kubectl apply` to the gateway answering 200 on the route's path. */
  served: { p50Ms: number; p99Ms: number };
  /** ... to the route's Ready condition at its generation. */
  ready: { p50Ms: number; p99Ms: number };
  /** How long `kubectl apply` itself took (a process start and one request). */
  kubectl: { p50Ms: number };
  /** From `kubectl apply` to the new ConfigMap written into the pod's volume (the controller's part). */
  mounted: { p50Ms: number; p99Ms: number };
  /** nginx's reload as the reloader saw it: from its signal to nginx answering with the new hash. */
  reload: { p50Ms: number; p99Ms: number };
}

function stats(values: readonly number[]): { p50Ms: number; p99Ms: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

function manifest(route: APIGatewayRouteV1): string {
  return JSON.stringify(route);
}

/** `changes` routes applied one after the other on a gateway that already has `baseRoutes`. */
export async function measureApplyToServed(
  cluster: LocalCluster,
  changes: number,
  baseRoutes: number,
): Promise<ApplyToServed> {
  const api = HTTPKubeAPI.fromKubeConfig(loadKubeConfig(cluster.kubeconfigPath), {
    requestTimeoutMs: 30_000,
  });
  await installCRDs();
  await ensureSchedulableNode(api, 'bench-reload-node');
  const namespace = await createNamespace(api, 'bench-reload');
  const backend = await startEchoBackend('echo');
  const dns = await startLoopbackDNSServer([`echo.${namespace}.svc.cluster.local`]);
  const route = (name: string, path: string) =>
    serviceRoute(namespace, name, { path, destinationService: 'echo', destinationPort: backend.port });
  const controller = await ControllerProcess.start({
    name: 'bench-reload',
    kubeconfig: cluster.kubeconfigPath,
    args: [
      `--namespaces=${namespace}`,
      '--leader-elect=false',
      `--gateway-resolver=${dns.address}`,
      `--gateway-reloader-port=${await freeLoopbackPort()}`,
      '--log-level=warn',
    ],
  });
  let pod: Awaited<ReturnType<typeof startClusterGatewayPod>> | undefined;
  try {
    for (let i = 0; i < baseRoutes; i++)
      await api.create(API_GATEWAY_ROUTES, route(`base-${i}`, `/base-${i}`));
    pod = await startClusterGatewayPod({ api, namespace, gateway: 'default' });
    const port = pod.port;
    await waitFor(async () => (await sendRequest(port, `/base-${baseRoutes - 1}`)).status === 200, {
      description: 'the base routes to be served',
      timeoutMs: 120_000,
      intervalMs: POLL_MS,
    });
    const served: number[] = [];
    const ready: number[] = [];
    const kubectl: number[] = [];
    const mounted: number[] = [];
    const reload: number[] = [];
    for (let i = 0; i < changes; i++) {
      const name = `applied-${i}`;
      const path = `/applied-${i}`;
      const started = performance.now();
      await cluster.kubectl.apply(manifest(route(name, path)));
      kubectl.push(performance.now() - started);
      await waitFor(async () => (await sendRequest(port, path)).status === 200, {
        description: `serving ${path}`,
        timeoutMs: 120_000,
        intervalMs: POLL_MS,
      });
      served.push(performance.now() - started);
      mounted.push(pod.lastMountedAt - started);
      reload.push(((await pod.pod.status()).lastReloadSeconds ?? NaN) * 1000);
      await waitFor(
        async () => {
          const r = await api.get<APIGatewayRouteV1>(API_GATEWAY_ROUTES, { namespace, name });
          return r.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
        },
        { description: `${name} to be Ready`, timeoutMs: 120_000, intervalMs: POLL_MS },
      );
      ready.push(performance.now() - started);
    }
    return {
      changes,
      served: stats(served),
      ready: stats(ready),
      kubectl: { p50Ms: stats(kubectl).p50Ms },
      mounted: stats(mounted),
      reload: stats(reload),
    };
  } finally {
    await pod?.stop();
    await controller.stop();
    await dns.close();
    await backend.close();
    await deleteNamespace(api, namespace);
  }
}
