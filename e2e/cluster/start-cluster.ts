// Brings up a complete local control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler
// and kwok with one fake node, and the fake reloaders of gateway pods, each on free loopback ports, under
// a fresh state directory.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdminAPI } from './admin-api.ts';
import { resolveAssets } from './assets.ts';
import type { ControlPlaneAssets } from './assets.ts';
import { adminCredentials, readClusterState, writeClusterState } from './cluster-state.ts';
import type { ClusterState, ComponentRecord } from './cluster-state.ts';
import {
  apiServerCommand,
  controllerManagerCommand,
  etcdCommand,
  fakeReloadersCommand,
  kwokCommand,
  schedulerCommand,
} from './component-commands.ts';
import type { ComponentCommand } from './component-commands.ts';
import { ComponentStartError } from './errors.ts';
import { fakeNodeManifest } from './fake-node.ts';
import { freeLoopbackPorts } from './free-ports.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { writeKwokConfig } from './kwok-config.ts';
import { API_SERVER_SERVICE_IP, apiServerURL, choosePodCIDR, planLayout } from './layout.ts';
import type { ClusterLayout } from './layout.ts';
import type { CertificateFiles } from './pki.ts';
import { writeClusterPki } from './pki.ts';
import { isRunning, logTail, stopProcessGroup } from './process-group.ts';
import { pruneStoppedClusters } from './prune-state-dirs.ts';
import { LocalCluster } from './local-cluster.ts';
import {
  apiServerIsReady,
  componentIsHealthy,
  fakeReloadersAreReady,
  defaultServiceAccountExists,
  etcdIsHealthy,
  nodeIsReady,
} from './readiness-checks.ts';
import { startComponent } from './start-component.ts';
import { readPinnedVersions } from './versions.ts';
import { waitFor } from './wait-for.ts';

/** $E2E_STATE_ROOT, or `.e2e/` at the repository root (gitignored): a `cluster-<id>/` directory per cluster. */
export const DEFAULT_STATE_ROOT =
  process.env.E2E_STATE_ROOT || fileURLToPath(new URL('../../.e2e/', import.meta.url));

export interface StartClusterOptions {
  stateRoot?: string;
  /** Upper bound for each component to become ready; generous because the CPU may be shared. */
  componentTimeoutMs?: number;
}

function newClusterID(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

function writeKubeconfigs(layout: ClusterLayout): void {
  const caCertPEM = readFileSync(layout.pki.ca.certPath, 'utf8');
  const write = (path: string, userName: string, files: CertificateFiles): void =>
    writeFileSync(
      path,
      renderKubeconfig({
        clusterName: 'e2e',
        server: apiServerURL(layout),
        caCertPEM,
        userName,
        credentials: { clientCertificatePath: files.certPath, clientKeyPath: files.keyPath },
      }),
      { mode: 0o600 },
    );
  write(layout.kubeconfigs.admin, 'e2e-admin', layout.pki.admin);
  write(layout.kubeconfigs.controllerManager, 'system:kube-controller-manager', layout.pki.controllerManager);
  write(layout.kubeconfigs.scheduler, 'system:kube-scheduler', layout.pki.scheduler);
  write(layout.kubeconfigs.kwok, 'kwok', layout.pki.kwok);
}

/** The pod address blocks of the clusters running from `stateRoot`. */
function podCIDRsInUse(stateRoot: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(stateRoot).filter((name) => name.startsWith('cluster-'));
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    try {
      const state = readClusterState(join(stateRoot, name));
      const running = !state.stopped && state.components.some((c) => isRunning(c.pid));
      return running && state.podCidr ? [state.podCidr] : [];
    } catch {
      return [];
    }
  });
}

async function prepareLayout(stateRoot: string, assets: ControlPlaneAssets): Promise<ClusterLayout> {
  const id = newClusterID();
  const ports = await freeLoopbackPorts([
    'etcdClient',
    'etcdPeer',
    'apiServer',
    'controllerManager',
    'scheduler',
    'fakeReloaders',
  ] as const);
  const layout = planLayout(
    id,
    join(stateRoot, `cluster-${id}`),
    ports,
    choosePodCIDR(podCIDRsInUse(stateRoot)),
  );
  for (const dir of [
    layout.logsDir,
    layout.pkiDir,
    layout.kubeconfigDir,
    join(layout.stateDir, 'kwok-home'),
  ]) {
    mkdirSync(dir, { recursive: true });
  }
  mkdirSync(layout.etcdDataDir, { recursive: true, mode: 0o700 });
  writeClusterPki(layout.pki, API_SERVER_SERVICE_IP);
  writeKubeconfigs(layout);
  writeKwokConfig(layout.kwokConfigPath, assets.kwokStages);
  return layout;
}

async function createFakeNode(api: AdminAPI, name: string): Promise<void> {
  const res = await api.request('POST', '/api/v1/nodes', fakeNodeManifest(name));
  if (res.status !== 201 && res.status !== 409) {
    throw new Error(`creating Node ${name}: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
  }
}

async function serverVersion(api: AdminAPI): Promise<string> {
  const version = (await api.getJSON('/version')) as { gitVersion?: string } | undefined;
  if (!version?.gitVersion) throw new Error('GET /version returned no gitVersion');
  return version.gitVersion;
}

export async function startCluster(options: StartClusterOptions = {}): Promise<LocalCluster> {
  const timeoutMs = options.componentTimeoutMs ?? 120_000;
  const assets = resolveAssets(readPinnedVersions());
  const stateRoot = options.stateRoot ?? DEFAULT_STATE_ROOT;
  pruneStoppedClusters(stateRoot);
  const layout = await prepareLayout(stateRoot, assets);
  const state: ClusterState = {
    id: layout.id,
    stateDir: layout.stateDir,
    logsDir: layout.logsDir,
    etcdDataDir: layout.etcdDataDir,
    kubeconfigPath: layout.kubeconfigs.admin,
    apiServerUrl: apiServerURL(layout),
    caCertPath: layout.pki.ca.certPath,
    adminCertPath: layout.pki.admin.certPath,
    adminKeyPath: layout.pki.admin.keyPath,
    kubernetesVersion: '',
    kubectlPath: assets.kubectl,
    podCidr: layout.podCIDR,
    components: [],
    stopped: false,
  };
  writeClusterState(state);
  const api = new AdminAPI(adminCredentials(state));
  const started: ComponentRecord[] = [];
  const start = async (command: ComponentCommand, isReady: () => Promise<boolean>): Promise<void> => {
    started.push(await startComponent(command, { logsDir: layout.logsDir, isReady, timeoutMs }));
    writeClusterState({ ...state, components: started });
  };

  try {
    await start(etcdCommand(layout, assets), () => etcdIsHealthy(layout.ports.etcdClient));
    await start(apiServerCommand(layout, assets), () => apiServerIsReady(api));
    await createFakeNode(api, layout.nodeName);
    const results = await Promise.allSettled([
      start(controllerManagerCommand(layout, assets), () =>
        componentIsHealthy(layout.ports.controllerManager),
      ),
      start(schedulerCommand(layout, assets), () => componentIsHealthy(layout.ports.scheduler)),
      start(kwokCommand(layout, assets), () => nodeIsReady(api, layout.nodeName)),
      start(fakeReloadersCommand(layout), () => fakeReloadersAreReady(layout.ports.fakeReloaders)),
    ]);
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    await waitFor(() => defaultServiceAccountExists(api), {
      description: 'the default ServiceAccount in namespace default',
      timeoutMs,
    }).catch((err: unknown) => {
      const log = join(layout.logsDir, 'kube-controller-manager.log');
      throw new ComponentStartError(
        'kube-controller-manager',
        `did not create the default ServiceAccount (${(err as Error).message})`,
        null,
        log,
        logTail(log),
      );
    });
    const final: ClusterState = {
      ...state,
      components: started,
      kubernetesVersion: await serverVersion(api),
    };
    writeClusterState(final);
    return new LocalCluster(final);
  } catch (err) {
    for (const component of [...started].reverse()) await stopProcessGroup(component.pid, 5_000);
    writeClusterState({ ...state, components: started, stopped: true });
    rmSync(layout.etcdDataDir, { recursive: true, force: true });
    throw err;
  }
}
