// Jest global setup of the e2e project: use the cluster named by $E2E_KUBECONFIG, or build the binaries
// if needed and start a fresh local cluster. Tests find it through $KUBECONFIG_E2E (see cluster-env.ts).
import { ensureBinaries } from '../cluster/ensure-binaries.ts';
import { startCluster } from '../cluster/start-cluster.ts';
import type { LocalCluster } from '../cluster/local-cluster.ts';
import { KUBECONFIG_ENV } from './cluster-env.ts';

/** The cluster this setup started, for the teardown; unset when an existing cluster is used. */
export const STARTED_CLUSTER_ENV = 'E2E_STARTED_CLUSTER_STATE_DIR';

function killOnAbruptExit(cluster: LocalCluster): void {
  process.once('exit', () => cluster.killNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cluster.killNow();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
}

export default async function globalSetup(): Promise<void> {
  const existing = process.env.E2E_KUBECONFIG;
  if (existing) {
    process.env[KUBECONFIG_ENV] = existing;
    console.error(`\ne2e: using the existing cluster of ${existing}`);
    return;
  }
  const started = Date.now();
  await ensureBinaries();
  const cluster = await startCluster();
  process.env[KUBECONFIG_ENV] = cluster.kubeconfigPath;
  process.env[STARTED_CLUSTER_ENV] = cluster.stateDir;
  killOnAbruptExit(cluster);
  console.error(
    `\ne2e: cluster ${cluster.id} (Kubernetes ${cluster.kubernetesVersion}) up in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${cluster.logsDir}`,
  );
}
