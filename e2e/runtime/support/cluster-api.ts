// KubeAPI clients for the e2e cluster, directly or through a TCPProxy, and throwaway namespaces.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { isNotFound } from '../../../shared/kube/api-error.ts';
import { loadKubeConfig } from '../../../shared/kube/config.ts';
import { HTTPKubeAPI } from '../../../shared/kube/http/http-kube-api.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import { e2eKubeconfig } from '../../setup/cluster-env.ts';
import { TCPProxy } from './tcp-proxy.ts';

export const NAMESPACES: ResourceDescriptor = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
};

/** A TCPProxy in front of the API server the e2e kubeconfig points at; clusterAPI(proxy.port) uses it. */
export async function startAPIServerProxy(): Promise<TCPProxy> {
  const url = new URL(loadKubeConfig(e2eKubeconfig()).cluster.server);
  return TCPProxy.start(url.hostname, Number(url.port || 443));
}

/** A client of the e2e cluster; `viaPort` sends it through a local proxy listening there instead. */
export function clusterAPI(viaPort?: number): HTTPKubeAPI {
  const access = loadKubeConfig(e2eKubeconfig());
  const server = viaPort === undefined ? access.cluster.server : `https://127.0.0.1:${viaPort}`;
  return HTTPKubeAPI.fromKubeConfig(
    { ...access, cluster: { ...access.cluster, server } },
    { requestTimeoutMs: 15_000 },
  );
}

export async function createNamespace(api: KubeAPI, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await api.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

export async function deleteNamespace(api: KubeAPI, name: string): Promise<void> {
  try {
    await api.delete(NAMESPACES, { name });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export function configMap(
  namespace: string,
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name, labels }, data };
}
