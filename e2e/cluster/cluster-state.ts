// The record of a running cluster, kept as JSON in its state directory: what another process (the tests,
// `cluster:down`) needs to use the cluster, restart its API server or stop it.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminCredentials } from './admin-api.ts';
import type { ComponentName } from './component-commands.ts';

export interface ComponentRecord {
  name: ComponentName;
  command: string;
  args: string[];
  env?: Record<string, string>;
  logPath: string;
  pid: number;
}

/**
 * The record as JSON. Its field names are a format on disk that earlier checkouts wrote and read, so they
 * stay as they are (apiServerUrl, podCidr) where the code's own names spell acronyms upper case.
 */
export interface ClusterState {
  id: string;
  stateDir: string;
  logsDir: string;
  /** Thrown away at stop; the logs and this record stay. */
  etcdDataDir: string;
  kubeconfigPath: string;
  apiServerUrl: string;
  caCertPath: string;
  adminCertPath: string;
  adminKeyPath: string;
  /** What the API server reports as its gitVersion. */
  kubernetesVersion: string;
  kubectlPath: string;
  /** The block fake pods get their addresses from; no other running cluster uses it. */
  podCidr: string;
  /** In start order; stopped in reverse. */
  components: ComponentRecord[];
  stopped: boolean;
}

const STATE_FILE_NAME = 'cluster.json';

export function stateFilePath(stateDir: string): string {
  return join(stateDir, STATE_FILE_NAME);
}

export function readClusterState(stateDir: string): ClusterState {
  const path = stateFilePath(stateDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`no cluster recorded at ${path}: ${(err as Error).message}`, { cause: err });
  }
  return JSON.parse(text) as ClusterState;
}

/** Replaces the record in one step, so a concurrent reader never sees half a file. */
export function writeClusterState(state: ClusterState): void {
  const path = stateFilePath(state.stateDir);
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(partial, path);
}

/** What the admin client needs of the record. */
export function adminCredentials(state: ClusterState): AdminCredentials {
  const { apiServerUrl, caCertPath, adminCertPath, adminKeyPath } = state;
  return { apiServerURL: apiServerUrl, caCertPath, adminCertPath, adminKeyPath };
}
