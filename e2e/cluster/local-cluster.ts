// A running local control plane, as seen from any process: built from the state file, so the process that
// started it, the tests and `cluster:down` all drive the same cluster the same way.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AdminAPI } from './admin-api.ts';
import { adminCredentials, readClusterState, writeClusterState } from './cluster-state.ts';
import type { ClusterState, ComponentRecord } from './cluster-state.ts';
import { Kubectl } from './kubectl.ts';
import { parsePrometheusText } from './prometheus-text.ts';
import type { MetricSample } from './prometheus-text.ts';
import { commandLineContains, isRunning, stopProcessGroup } from './process-group.ts';
import { apiServerIsReady } from './readiness-checks.ts';
import { createServiceAccountToken, writeServiceAccountKubeconfig } from './service-account-access.ts';
import type { TokenOptions } from './service-account-access.ts';
import { startComponent } from './start-component.ts';

/**
 * Between SIGTERM and SIGKILL. Stopped last-started-first, components exit within a second or two; only a
 * lone API server restart waits here, because it keeps draining its clients' watches well past this.
 */
const STOP_GRACE_MS = 5_000;
const API_SERVER_START_TIMEOUT_MS = 120_000;

/**
 * The component is the one this cluster started, not an unrelated process that reused its pid: every
 * component's command line names the cluster id (etcd's data directory lives outside the state directory).
 */
function isOurs(component: ComponentRecord, clusterID: string): boolean {
  return isRunning(component.pid) && commandLineContains(component.pid, clusterID);
}

export class LocalCluster {
  readonly stateDir: string;
  #state: ClusterState;

  constructor(state: ClusterState) {
    this.stateDir = state.stateDir;
    this.#state = state;
  }

  /** The cluster recorded in `stateDir` (by startCluster or `cluster:up`), from any process. */
  static attach(stateDir: string): LocalCluster {
    return new LocalCluster(readClusterState(stateDir));
  }

  get id(): string {
    return this.#state.id;
  }
  get kubeconfigPath(): string {
    return this.#state.kubeconfigPath;
  }
  get apiServerURL(): string {
    return this.#state.apiServerUrl;
  }
  get caCertPath(): string {
    return this.#state.caCertPath;
  }
  get adminCertPath(): string {
    return this.#state.adminCertPath;
  }
  get adminKeyPath(): string {
    return this.#state.adminKeyPath;
  }
  get logsDir(): string {
    return this.#state.logsDir;
  }
  get kubernetesVersion(): string {
    return this.#state.kubernetesVersion;
  }

  get kubectl(): Kubectl {
    return new Kubectl({
      kubectlPath: this.#state.kubectlPath,
      kubeconfigPath: this.#state.kubeconfigPath,
      cacheDir: join(this.stateDir, 'kubectl-cache'),
    });
  }

  adminAPI(): AdminAPI {
    return new AdminAPI(adminCredentials(this.#state));
  }

  /** Whether every component is still running. */
  isRunning(): boolean {
    const state = this.#reload();
    return !state.stopped && state.components.every((c) => isOurs(c, state.id));
  }

  /** Stops every component (last started first) and waits until they are gone. Logs stay for reading. */
  async stop(): Promise<void> {
    const state = this.#reload();
    for (const component of [...state.components].reverse()) {
      if (isOurs(component, state.id)) await stopProcessGroup(component.pid, STOP_GRACE_MS);
    }
    this.#state = { ...state, stopped: true };
    writeClusterState(this.#state);
    // etcd preallocates large write-ahead logs; the logs and state file are what is worth keeping.
    rmSync(state.etcdDataDir, { recursive: true, force: true });
  }

  /**
   * Stops kube-apiserver and starts it again with the same flags, port and etcd, then waits for /readyz:
   * what clients see when the API server is upgraded or restarted.
   */
  async restartAPIServer(): Promise<void> {
    const state = this.#reload();
    const index = state.components.findIndex((c) => c.name === 'kube-apiserver');
    const previous = state.components[index];
    if (previous === undefined) throw new Error(`cluster ${state.id} has no kube-apiserver record`);
    if (isOurs(previous, state.id)) await stopProcessGroup(previous.pid, STOP_GRACE_MS);
    const api = this.adminAPI();
    const restarted = await startComponent(previous, {
      logsDir: state.logsDir,
      isReady: () => apiServerIsReady(api),
      timeoutMs: API_SERVER_START_TIMEOUT_MS,
    });
    const components = state.components.map((c, i) => (i === index ? restarted : c));
    this.#state = { ...state, components };
    writeClusterState(this.#state);
  }

  /** The API server's /metrics, parsed (e.g. apiserver_request_total by verb and resource). */
  async apiServerMetrics(): Promise<MetricSample[]> {
    const res = await this.adminAPI().request('GET', '/metrics');
    if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    return parsePrometheusText(res.body);
  }

  createServiceAccountToken(namespace: string, name: string, options?: TokenOptions): Promise<string> {
    return createServiceAccountToken(this.kubectl, namespace, name, options);
  }

  /** A kubeconfig acting as `namespace/name`, written into the state directory unless `path` is given. */
  writeServiceAccountKubeconfig(
    namespace: string,
    name: string,
    path = join(this.stateDir, 'kubeconfig', `sa-${namespace}-${name}.yaml`),
    options?: TokenOptions,
  ): Promise<string> {
    return writeServiceAccountKubeconfig(this.kubectl, namespace, name, path, options);
  }

  /**
   * Last resort when the owning process is exiting without a chance to await stop(): SIGKILL to every
   * component's process group, synchronously.
   */
  killNow(): void {
    let state: ClusterState;
    try {
      state = this.#reload();
    } catch {
      // No readable record left: nothing known to kill.
      return;
    }
    if (state.stopped) return;
    for (const component of state.components) {
      if (isOurs(component, state.id)) {
        try {
          process.kill(-component.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }

  // Another process (a test restarting the API server) may have changed the record since.
  #reload(): ClusterState {
    this.#state = readClusterState(this.stateDir);
    return this.#state;
  }
}
