// KubeApi clients for the e2e cluster, directly or through a TcpProxy, and throwaway namespaces.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../../shared/api/meta.ts';
import { isNotFound } from '../../../shared/kube/api-error.ts';
import { loadKubeConfig } from '../../../shared/kube/config.ts';
import { HttpKubeApi } from '../../../shared/kube/http/http-kube-api.ts';
import type { KubeApi } from '../../../shared/kube/kube-api.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import { e2eKubeconfig } from '../../setup/cluster-env.ts';
import { TcpProxy } from './tcp-proxy.ts';

export const NAMESPACES: ResourceDescriptor = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
};

/** A TcpProxy in front of the API server the e2e kubeconfig points at; clusterApi(proxy.port) uses it. */
export async function startApiServerProxy(): Promise<TcpProxy> {
  const url = new URL(loadKubeConfig(e2eKubeconfig()).cluster.server);
  return TcpProxy.start(url.hostname, Number(url.port || 443));
}

/** A client of the e2e cluster; `viaPort` sends it through a local proxy listening there instead. */
export function clusterApi(viaPort?: number): HttpKubeApi {
  const access = loadKubeConfig(e2eKubeconfig());
  const server = viaPort === undefined ? access.cluster.server : `https://127.0.0.1:${viaPort}`;
  return HttpKubeApi.fromKubeConfig(
    { ...access, cluster: { ...access.cluster, server } },
    { requestTimeoutMs: 15_000 },
  );
}

export async function createNamespace(api: KubeApi, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await api.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

export async function deleteNamespace(api: KubeApi, name: string): Promise<void> {
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
