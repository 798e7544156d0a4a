// The cluster a benchmark runs on: the running local cluster a kubeconfig names, or else one it starts
// (building the control plane's binaries first if they are not cached) and stops when done.
import { dirname } from 'node:path';
import { ensureBinaries } from '../../e2e/cluster/ensure-binaries.ts';
import { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { startCluster } from '../../e2e/cluster/start-cluster.ts';
import { KUBECONFIG_ENV } from '../../e2e/setup/cluster-env.ts';

/** Runs `use` on the cluster, with $KUBECONFIG set to it; a cluster started here is stopped after. */
export async function withBenchCluster<T>(
  kubeconfig: string | undefined,
  use: (cluster: LocalCluster) => Promise<T>,
): Promise<T> {
  let cluster: LocalCluster;
  let started = false;
  if (kubeconfig) {
    cluster = LocalCluster.attach(dirname(kubeconfig));
  } else {
    await ensureBinaries();
    cluster = await startCluster();
    started = true;
  }
  process.env[KUBECONFIG_ENV] = cluster.kubeconfigPath;
  try {
    return await use(cluster);
  } finally {
    if (started) await cluster.stop();
  }
}
