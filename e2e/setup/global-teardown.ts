// Jest global teardown of the e2e project: stop the cluster the global setup started (never one given
// through $E2E_KUBECONFIG). Its logs stay in its state directory.
import { LocalCluster } from '../cluster/local-cluster.ts';
import { STARTED_CLUSTER_ENV } from './global-setup.ts';

export default async function globalTeardown(): Promise<void> {
  const stateDir = process.env[STARTED_CLUSTER_ENV];
  if (!stateDir) return;
  const cluster = LocalCluster.attach(stateDir);
  await cluster.stop();
  delete process.env[STARTED_CLUSTER_ENV];
  console.error(`e2e: cluster ${cluster.id} stopped; logs kept in ${cluster.logsDir}`);
}
