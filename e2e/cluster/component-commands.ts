// The command lines of the control plane's processes. Everything listens on 127.0.0.1 only, and the
// controllers that would reach out to machines, clouds or node networks are left out.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlPlaneAssets } from './assets.ts';
import { NODE_IP, SERVICE_CLUSTER_IP_RANGE } from './layout.ts';
import type { ClusterLayout } from './layout.ts';

export type ComponentName =
  'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok' | 'fake-reloaders';

export interface ComponentCommand {
  name: ComponentName;
  command: string;
  args: string[];
  /** Added to the starter's environment. */
  env?: Record<string, string>;
}

/** Annotation and label kwok's node selector matches; the fake node carries them. */
export const KWOK_NODE_ANNOTATION = { key: 'kwok.x-k8s.io/node', value: 'fake' };

/**
 * What an operator's objects need: garbage collection, workloads, service accounts and their tokens,
 * namespaces, endpoints, quotas and RBAC aggregation. Left out: node lifecycle and IPAM, cloud, volumes,
 * certificate signing, all of which either need real nodes or do not matter here.
 */
const CONTROLLERS = [
  'garbage-collector-controller',
  'deployment-controller',
  'replicaset-controller',
  'statefulset-controller',
  'daemonset-controller',
  'job-controller',
  'cronjob-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'namespace-controller',
  'endpoints-controller',
  'endpointslice-controller',
  'endpointslice-mirroring-controller',
  'resourcequota-controller',
  'disruption-controller',
  'pod-garbage-collector-controller',
  'root-ca-certificate-publisher-controller',
  'clusterrole-aggregation-controller',
  'ttl-after-finished-controller',
];

const loopback = (port: number): string => `http://127.0.0.1:${port}`;

export function etcdCommand(layout: ClusterLayout, assets: ControlPlaneAssets): ComponentCommand {
  const peer = loopback(layout.ports.etcdPeer);
  const client = loopback(layout.ports.etcdClient);
  return {
    name: 'etcd',
    command: assets.etcd,
    args: [
      '--name=e2e',
      `--data-dir=${layout.etcdDataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=e2e=${peer}`,
      // Test data is thrown away with the cluster; fsync would only make every write slower.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
  };
}

export function apiServerCommand(layout: ClusterLayout, assets: ControlPlaneAssets): ComponentCommand {
  const { pki } = layout;
  return {
    name: 'kube-apiserver',
    command: assets.kubeAPIServer,
    args: [
      `--etcd-servers=${loopback(layout.ports.etcdClient)}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${layout.ports.apiServer}`,
      `--cert-dir=${join(layout.stateDir, 'kube-apiserver')}`,
      `--tls-cert-file=${pki.apiServer.certPath}`,
      `--tls-private-key-file=${pki.apiServer.keyPath}`,
      `--client-ca-file=${pki.ca.certPath}`,
      '--authorization-mode=Node,RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPublicKeyPath}`,
      `--service-account-signing-key-file=${pki.serviceAccountPrivateKeyPath}`,
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      // The `kubernetes` Endpoints would have to name a loopback address, which validation rejects.
      '--endpoint-reconciler-type=none',
      // Webhooks and aggregated APIs given as a Service are reached at an endpoint (a fake pod's loopback
      // address, see choosePodCIDR), never at the Service's cluster IP, which nothing here routes.
      '--enable-aggregator-routing=true',
      // It taints every new Node not-ready until the node lifecycle controller, which needs kubelet
      // heartbeats and is not run here, lifts the taint; kwok marks the node Ready itself.
      '--disable-admission-plugins=TaintNodesByCondition',
      '--allow-privileged=true',
      '--profiling=false',
    ],
  };
}

/** Serving flags shared by the controller manager and the scheduler: a loopback port and delegated auth. */
function componentServing(kubeconfig: string, port: number, certDir: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    // Self-signed serving certificate goes here rather than into the working directory.
    `--cert-dir=${certDir}`,
    // One instance per cluster: leader election would only delay start-up.
    '--leader-elect=false',
    '--profiling=false',
  ];
}

export function controllerManagerCommand(
  layout: ClusterLayout,
  assets: ControlPlaneAssets,
): ComponentCommand {
  return {
    name: 'kube-controller-manager',
    command: assets.kubeControllerManager,
    args: [
      ...componentServing(
        layout.kubeconfigs.controllerManager,
        layout.ports.controllerManager,
        join(layout.stateDir, 'kube-controller-manager'),
      ),
      `--controllers=${CONTROLLERS.join(',')}`,
      // Each controller acts as its own service account, with the bootstrap RBAC roles, as in a real cluster.
      '--use-service-account-credentials=true',
      `--root-ca-file=${layout.pki.ca.certPath}`,
      `--service-account-private-key-file=${layout.pki.serviceAccountPrivateKeyPath}`,
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      '--allocate-node-cidrs=false',
      '--cluster-name=e2e',
    ],
  };
}

export function schedulerCommand(layout: ClusterLayout, assets: ControlPlaneAssets): ComponentCommand {
  return {
    name: 'kube-scheduler',
    command: assets.kubeScheduler,
    args: componentServing(
      layout.kubeconfigs.scheduler,
      layout.ports.scheduler,
      join(layout.stateDir, 'kube-scheduler'),
    ),
  };
}

export function kwokCommand(layout: ClusterLayout, assets: ControlPlaneAssets): ComponentCommand {
  const selector = `${KWOK_NODE_ANNOTATION.key}=${KWOK_NODE_ANNOTATION.value}`;
  return {
    name: 'kwok',
    command: assets.kwok,
    args: [
      `--kubeconfig=${layout.kubeconfigs.kwok}`,
      `--config=${layout.kwokConfigPath}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${selector}`,
      `--node-ip=${NODE_IP}`,
      `--cidr=${layout.podCIDR}`,
      // No --server-address: kwok's kubelet-like server (logs, exec) is not needed, so it listens nowhere.
    ],
    // kwok also reads ~/.kwok/kwok.yaml when it exists; a home of its own keeps the run hermetic.
    env: { HOME: join(layout.stateDir, 'kwok-home') },
  };
}

/**
 * Plays the reloader of every gateway pod, which kwok runs no container for (see fake-reloaders.ts). Runs
 * with the Node.js of whoever starts the cluster, from this source tree.
 */
export function fakeReloadersCommand(layout: ClusterLayout): ComponentCommand {
  return {
    name: 'fake-reloaders',
    command: process.execPath,
    args: [
      fileURLToPath(new URL('./fake-reloaders-main.ts', import.meta.url)),
      `--state-dir=${layout.stateDir}`,
      `--health-port=${layout.ports.fakeReloaders}`,
    ],
  };
}
