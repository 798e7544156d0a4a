// A gateway pod of the local cluster brought to life: kwok runs the pod without containers, so this runs
// its nginx and reloader as processes (gateway-pod.ts), its reloader answering at the fake pod's IP on the
// port the pod declares, where the controller asks. It also plays the kubelet's part: the gateway's
// ConfigMap, as the API server has it, is written into the pod's volume whenever it changes (the kubelet
// would do this on its next sync of the pod, up to a minute or more later), made runnable here by
// localGatewayConfig (a loopback port and local directories instead of the pod's).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigMap, Pod } from '../../../controller/children/kube-objects.ts';
import { GATEWAY_LABEL } from '../../../controller/children/labels.ts';
import { RELOADER_CONTAINER, RELOADER_PORT_NAME } from '../../../controller/children/gateway/gateway-pod.ts';
import { GATEWAY_CONFIG_FILE } from '../../../shared/gateway/render-gateway-config.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import { CONFIG_MAPS, PODS } from '../../../shared/kube/well-known-resources.ts';
import { errorMessage } from '../../../shared/util/error-message.ts';
import { freeLoopbackPort } from '../../../test/nginx/free-port.ts';
import { njsModulesDirectory } from '../../../test/nginx/nginx-binary.ts';
import { localGatewayConfig } from '../../controller/support/local-gateway-config.ts';
import { startGatewayPod, type GatewayPod, type GatewayPodDirectories } from './gateway-pod.ts';

export interface ClusterGatewayPodOptions {
  api: KubeAPI;
  namespace: string;
  gateway: string;
  /** How often the "kubelet" looks at the ConfigMap. */
  syncIntervalMs?: number;
  workerShutdownTimeoutSeconds?: number;
}

export interface ClusterGatewayPod {
  pod: GatewayPod;
  podName: string;
  podIP: string;
  /** nginx's port on 127.0.0.1. */
  port: number;
  /** Changes what is mounted from the next ConfigMap version on (undefined: as it is). */
  tamper: ((nginxConf: string) => string) | undefined;
  /** ConfigMap versions written into the volume so far. */
  readonly mounts: number;
  /** When (performance.now()) the latest version was written into the volume. */
  readonly lastMountedAt: number;
  stop(): Promise<void>;
}

async function runningPod(api: KubeAPI, namespace: string, gateway: string): Promise<Pod> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pods = await api.list<Pod>(PODS, { namespace, labelSelector: `${GATEWAY_LABEL}=${gateway}` });
    const pod = pods.items.find(
      (p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata.deletionTimestamp,
    );
    if (pod) return pod;
    if (Date.now() > deadline)
      throw new Error(`no running pod of gateway ${namespace}/${gateway} within 60 s`);
    await sleep(200);
  }
}

function volumeData(
  configMap: ConfigMap,
  directories: GatewayPodDirectories,
  port: number,
  metricsPort: number,
): Record<string, string> {
  const { [GATEWAY_CONFIG_FILE]: config = '', ...files } = configMap.data;
  return {
    ...files,
    [GATEWAY_CONFIG_FILE]: localGatewayConfig(config, {
      port,
      metricsPort,
      runtimeDirectory: directories.runtime,
      accessLog: '/dev/null',
      modulesDirectory: njsModulesDirectory(),
      apiKeysDirectory: join(directories.root, 'api-keys'),
    }),
  };
}

export async function startClusterGatewayPod(options: ClusterGatewayPodOptions): Promise<ClusterGatewayPod> {
  const { api, namespace, gateway } = options;
  const kwokPod = await runningPod(api, namespace, gateway);
  const statusPort = kwokPod.spec.containers
    .find((c) => c.name === RELOADER_CONTAINER)
    ?.ports.find((p) => p.name === RELOADER_PORT_NAME)?.containerPort;
  if (statusPort === undefined) throw new Error(`pod ${kwokPod.metadata.name} has no reloader port`);
  const podIP = kwokPod.status?.podIP ?? '';
  const ref = { namespace, name: `agw-${gateway}` };
  let configMap = await api.get<ConfigMap>(CONFIG_MAPS, ref);
  const port = await freeLoopbackPort();
  let metricsPort = await freeLoopbackPort();
  while (metricsPort === port) metricsPort = await freeLoopbackPort();
  const pod = await startGatewayPod(
    {
      port,
      statusHost: podIP,
      statusPort,
      workerShutdownTimeoutSeconds: options.workerShutdownTimeoutSeconds ?? 120,
    },
    (directories) => volumeData(configMap, directories, port, metricsPort),
  );

  let stopped = false;
  let mounts = 1;
  let lastMountedAt = performance.now();
  const handle: ClusterGatewayPod = {
    pod,
    podName: kwokPod.metadata.name ?? '',
    podIP,
    port,
    tamper: undefined,
    get mounts() {
      return mounts;
    },
    get lastMountedAt() {
      return lastMountedAt;
    },
    async stop() {
      stopped = true;
      await syncing;
      await pod.stop();
    },
  };
  const syncing = (async () => {
    while (!stopped) {
      await sleep(options.syncIntervalMs ?? 100);
      try {
        const latest = await api.get<ConfigMap>(CONFIG_MAPS, ref);
        if (latest.metadata.resourceVersion === configMap.metadata.resourceVersion) continue;
        configMap = latest;
        const data = volumeData(latest, pod.directories, port, metricsPort);
        const tamper = handle.tamper;
        if (tamper) data[GATEWAY_CONFIG_FILE] = tamper(data[GATEWAY_CONFIG_FILE] ?? '');
        await pod.mount(data);
        mounts += 1;
        lastMountedAt = performance.now();
      } catch (err) {
        if (!stopped)
          process.stderr.write(`gateway pod sync of ${namespace}/${gateway}: ${errorMessage(err)}\n`);
      }
    }
  })();
  return handle;
}
