// Where one cluster keeps everything (certificates, kubeconfigs, etcd data, logs) and which ports it uses.
// Every path lives under the cluster's own state directory, so clusters never share anything on disk.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pkiPaths } from './pki.ts';
import type { ClusterPki } from './pki.ts';

export interface ClusterPorts {
  etcdClient: number;
  etcdPeer: number;
  apiServer: number;
  controllerManager: number;
  scheduler: number;
  /** The fake reloaders' /healthz. */
  fakeReloaders: number;
}

export interface ClusterLayout {
  id: string;
  stateDir: string;
  logsDir: string;
  etcdDataDir: string;
  pkiDir: string;
  kubeconfigDir: string;
  pki: ClusterPki;
  ports: ClusterPorts;
  kubeconfigs: { admin: string; controllerManager: string; scheduler: string; kwok: string };
  /** kwok's configuration (its Stage objects). */
  kwokConfigPath: string;
  nodeName: string;
  /** Where kwok takes fake pods' addresses from: see choosePodCIDR. */
  podCIDR: string;
}

/** Services get virtual IPs from here; nothing ever routes to them, they only have to be valid. */
export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';
export const API_SERVER_SERVICE_IP = '10.96.0.1';
/**
 * Fake pods get their IPs from the loopback block: anything that tries to reach a pod (the API server
 * calling a webhook through its Service, say) stays on this machine and is refused instead of being sent
 * out. Each running cluster takes a /16 of its own, 127.<64-254>.0.0/16, because the fake gateway reloaders
 * listen on pod addresses: two clusters must not hand out the same one.
 */
export function choosePodCIDR(taken: readonly string[], random: () => number = Math.random): string {
  const free: string[] = [];
  for (let octet = 64; octet <= 254; octet++) {
    const cidr = `127.${octet}.0.1/16`;
    if (!taken.includes(cidr)) free.push(cidr);
  }
  const cidr = free[Math.floor(random() * free.length)];
  if (cidr === undefined) throw new Error('every pod address block of the loopback network is taken');
  return cidr;
}
/** The fake node's address, for the same reason. */
export const NODE_IP = '127.0.0.1';

export function apiServerURL(layout: ClusterLayout): string {
  return `https://127.0.0.1:${layout.ports.apiServer}`;
}

export function planLayout(
  id: string,
  stateDir: string,
  ports: ClusterPorts,
  podCIDR: string,
): ClusterLayout {
  const kubeconfigDir = join(stateDir, 'kubeconfig');
  const pkiDir = join(stateDir, 'pki');
  return {
    id,
    stateDir,
    logsDir: join(stateDir, 'logs'),
    // Outside the repository: jest takes etcd's `*.snap` files under its root dir for obsolete snapshots
    // (and `jest -u` would delete them from under a running etcd).
    etcdDataDir: join(tmpdir(), `ai-gateway-operator-etcd-${id}`),
    pkiDir,
    kubeconfigDir,
    pki: pkiPaths(pkiDir),
    ports,
    kubeconfigs: {
      admin: join(stateDir, 'kubeconfig.yaml'),
      controllerManager: join(kubeconfigDir, 'kube-controller-manager.yaml'),
      scheduler: join(kubeconfigDir, 'kube-scheduler.yaml'),
      kwok: join(kubeconfigDir, 'kwok.yaml'),
    },
    kwokConfigPath: join(stateDir, 'kwok.yaml'),
    nodeName: 'kwok-node-0',
    podCIDR,
  };
}
