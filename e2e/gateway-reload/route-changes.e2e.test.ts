// Route changes through the API server reach a running gateway without a rollout: the controller process
// on the local control plane, the gateway pod's nginx and reloader as real processes (the reloader at the
// fake pod's address, where the controller reads it), the ConfigMap written into the pod's volume as the
// kubelet does. While 50 server-sent-event streams of tens of seconds and a steady load run, 100 route
// changes are applied: no request fails, no stream is cut, every change is served, the pod template never
// changes and nginx is never restarted. Each changed route turns Ready once the pod reports it loaded, and
// a configuration nginx refuses is reported on the route with nginx's words. The namespace enforces the
// restricted Pod Security Standard.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { DEPLOYMENTS, PODS } from '../../shared/kube/well-known-resources.ts';
import type { Deployment, Pod } from '../../controller/children/kube-objects.ts';
import { GATEWAY_LABEL } from '../../controller/children/labels.ts';
import { API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { startEchoBackend, type EchoBackend } from '../../test/nginx/echo-backend.ts';
import { freeLoopbackPort } from '../../test/nginx/free-port.ts';
import { sendRequest } from '../../test/nginx/http-request.ts';
import { startLoopbackDNSServer, type LoopbackDNSServer } from '../../test/nginx/loopback-dns-server.ts';
import { kubectl, waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from '../controller/support/controller-process.ts';
import { serviceRoute } from '../controller/support/objects.ts';
import { deleteNamespace, getObject, prepareTestNamespace } from '../controller/support/operator-cluster.ts';
import { NAMESPACES } from '../runtime/support/cluster-api.ts';
import { startClusterGatewayPod, type ClusterGatewayPod } from './support/cluster-gateway-pod.ts';
import { readStream, startSteadyLoad, type StreamResult } from './support/sse-client.ts';

jest.setTimeout(900_000);

const CHANGES = 100;
const STREAMS = 50;
/** The Deployment controller's count of pod templates rolled out. */
const REVISION = 'deployment.kubernetes.io/revision';
/** 100 ms apart: a stream of 20 to 40 s. */
const STREAM_EVENTS = [200, 300, 400];

let api: HTTPKubeAPI;
let namespace: string;
let backend: EchoBackend | undefined;
let dns: LoopbackDNSServer | undefined;
let controller: ControllerProcess | undefined;
let gateway: ClusterGatewayPod | undefined;

const route = (name: string, path: string) =>
  serviceRoute(namespace, name, { path, destinationService: 'echo', destinationPort: backend?.port ?? 0 });

async function readyAtGeneration(name: string): Promise<APIGatewayRouteV1 | undefined> {
  const r = await getObject<APIGatewayRouteV1>(api, API_GATEWAY_ROUTES, { namespace, name });
  const ready = r?.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' && ready.observedGeneration === r?.metadata.generation ? r : undefined;
}

async function served(path: string, timeoutMs: number): Promise<void> {
  await waitFor(async () => (await sendRequest(gateway?.port ?? 0, path)).status === 200, {
    description: `the gateway to serve ${path}`,
    timeoutMs,
    intervalMs: 10,
  });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('reload'));
  // The gateway pods meet the restricted Pod Security Standard: the API server would refuse them here.
  await api.patch(NAMESPACES, { name: namespace }, 'merge', {
    metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  });
  backend = await startEchoBackend('echo');
  dns = await startLoopbackDNSServer([`echo.${namespace}.svc.cluster.local`]);
  controller = await ControllerProcess.start({
    name: 'gateway-reload',
    args: [
      `--namespaces=${namespace}`,
      '--leader-elect=false',
      `--gateway-resolver=${dns.address}`,
      // Another port than the local cluster's fake reloaders play: this pod's reloader is real.
      `--gateway-reloader-port=${await freeLoopbackPort()}`,
    ],
  });
  await api.create(API_GATEWAY_ROUTES, route('stable', '/stable'));
  await api.create(API_GATEWAY_ROUTES, route('streams', '/streams'));
  gateway = await startClusterGatewayPod({ api, namespace, gateway: 'default' });
  await waitFor(async () => (await readyAtGeneration('stable')) && (await readyAtGeneration('streams')), {
    description: 'the first routes to be Ready once the pod reports their configuration',
    timeoutMs: 60_000,
  });
});

afterAll(async () => {
  await gateway?.stop();
  await controller?.stop();
  await dns?.close();
  await backend?.close();
  await deleteNamespace(api, namespace);
});

describe('route changes on a running gateway', () => {
  it(`serves ${CHANGES} changes under ${STREAMS} streams and a steady load, without a failed request, a cut stream or a restart`, async () => {
    const running = gateway as ClusterGatewayPod;
    const ref = { namespace, name: 'agw-default' };
    const before = await getObject<Deployment>(api, DEPLOYMENTS, ref);
    const master = running.pod.nginxPID;
    const stableReady = (await readyAtGeneration('stable'))?.status?.conditions?.find(
      (c) => c.type === 'Ready',
    );

    let streaming = true;
    const streams: StreamResult[] = [];
    const streamLoops = Array.from({ length: STREAMS }, async (_, i) => {
      let n = 0;
      while (streaming) {
        const events = STREAM_EVENTS[(i + n) % STREAM_EVENTS.length] ?? 200;
        streams.push(await readStream(running.port, `/streams/${i}`, events));
        n += 1;
      }
    });
    const load = startSteadyLoad(running.port, '/stable/load', 4, 10);

    const servedMs: number[] = [];
    const created: string[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const path = `/v${i}`;
      const started = performance.now();
      // Two of three changes add a route, one moves an earlier route to a new path.
      if (i % 3 === 2) {
        const name = created[(i * 7) % created.length] ?? '';
        await api.patch(API_GATEWAY_ROUTES, { namespace, name }, 'merge', { spec: { path } });
      } else {
        const name = `r${i}`;
        await api.create(API_GATEWAY_ROUTES, route(name, path));
        created.push(name);
      }
      await served(path, 60_000);
      servedMs.push(performance.now() - started);
    }
    const loadResult = await load.stop();
    streaming = false;
    await Promise.all(streamLoops);

    const cut = streams.filter((s) => !s.complete);
    expect({ failedRequests: loadResult.failed, failures: loadResult.failures }).toEqual({
      failedRequests: 0,
      failures: [],
    });
    expect(cut).toEqual([]);
    expect(servedMs).toHaveLength(CHANGES);
    // The Deployment's metadata changes (each new route owns it), its pods do not: the same template and
    // revision, the same pod, and nginx never restarted.
    const after = await getObject<Deployment>(api, DEPLOYMENTS, ref);
    expect(after?.spec.template).toEqual(before?.spec.template);
    expect(after?.metadata.annotations?.[REVISION]).toBe(before?.metadata.annotations?.[REVISION]);
    const pods = await api.list<Pod>(PODS, { namespace, labelSelector: `${GATEWAY_LABEL}=default` });
    expect(pods.items.map((p) => p.metadata.name)).toEqual([running.podName]);
    expect(running.pod.nginxPID).toBe(master);
    // The unchanged route stayed Ready throughout: its condition never turned.
    const stableAfter = (await readyAtGeneration('stable'))?.status?.conditions?.find(
      (c) => c.type === 'Ready',
    );
    expect(stableAfter?.lastTransitionTime).toBe(stableReady?.lastTransitionTime);
    // Every route Ready at its generation: the pod reported the configuration that holds it.
    await kubectl(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'agr', '--all']);
    const longest = Math.max(...streams.map((s) => s.seconds));
    process.stdout.write(
      `${CHANGES} route changes: apply to served p50 ${percentile(servedMs, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(servedMs, 99).toFixed(0)} ms; ${loadResult.sent} requests, 0 failed; ` +
        `${streams.length} streams of up to ${longest.toFixed(0)} s, 0 cut; ${running.mounts} ConfigMap versions mounted\n`,
    );
  });

  it('reports a configuration nginx refuses on the changed route, the others staying Ready, until one loads', async () => {
    const running = gateway as ClusterGatewayPod;
    running.tamper = (conf) => conf.replace('http {', 'http {\n    no_such_directive on;');
    await api.create(API_GATEWAY_ROUTES, route('refused', '/refused'));
    const refused = await waitFor(
      async () => {
        const r = await getObject<APIGatewayRouteV1>(api, API_GATEWAY_ROUTES, { namespace, name: 'refused' });
        const ready = r?.status?.conditions?.find((c) => c.type === 'Ready');
        return ready?.reason === 'GatewayConfigRefused' ? r : undefined;
      },
      { description: 'the new route to report GatewayConfigRefused', timeoutMs: 60_000 },
    );
    expect(refused.status?.state).toBe('Failed');
    expect(refused.status?.message).toContain('unknown directive "no_such_directive"');
    expect(refused.status?.message).toContain(running.podName);
    expect(await readyAtGeneration('stable')).toBeDefined();
    expect((await sendRequest(running.port, '/refused')).status).toBe(404);
    expect((await sendRequest(running.port, '/stable')).status).toBe(200);

    running.tamper = undefined;
    await api.patch(API_GATEWAY_ROUTES, { namespace, name: 'refused' }, 'merge', {
      spec: { path: '/fixed' },
    });
    await served('/fixed', 60_000);
    await waitFor(() => readyAtGeneration('refused'), {
      description: 'the route to be Ready once a configuration loads',
      timeoutMs: 60_000,
    });
  });
});
