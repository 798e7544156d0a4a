// What a gateway pod is given, read from the cluster: its ConfigMap's nginx.conf and files, the data of
// each API-key Secret its Deployment mounts (by directory below the API-key directory), and the provider
// keys of each provider-credentials Secret it mounts (by directory below the credentials directory).
import type { ConfigMap, Deployment } from '../../controller/children/kube-objects.ts';
import type { AdminAPI } from '../../e2e/cluster/admin-api.ts';
import { GATEWAY_CONFIG_FILE } from '../../shared/gateway/render-gateway-config.ts';
import { apiKeySecretMounts, credentialSecretMounts } from './gateway-secret-mounts.ts';
import type { SecretMount } from './gateway-secret-mounts.ts';

export interface GatewaySnapshot {
  config: string;
  /** Files beside nginx.conf (the njs script), by name. */
  files: Record<string, string>;
  /** Decoded Secret data by mount directory; an optional Secret that does not exist is empty. */
  apiKeys: Record<string, Record<string, string>>;
  /** The same for provider-credentials Secrets: only the keys the volume names, by file name. */
  credentials: Record<string, Record<string, string>>;
}

export class GatewayNotFoundError extends Error {
  readonly namespace: string;
  readonly gateway: string;
  constructor(namespace: string, gateway: string, what: string) {
    super(`gateway ${namespace}/${gateway}: ${what}`);
    this.name = 'GatewayNotFoundError';
    this.namespace = namespace;
    this.gateway = gateway;
  }
}

function decode(data: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
  );
}

/** The one call the snapshot needs from the API server. */
export type JSONReader = Pick<AdminAPI, 'getJSON'>;

/** The gateway `agw-<name>` of `namespace` as its pods would see it, or undefined when it has none. */
export async function readGatewaySnapshot(
  api: JSONReader,
  namespace: string,
  childName: string,
): Promise<GatewaySnapshot | undefined> {
  const base = `/namespaces/${namespace}`;
  const configMap = (await api.getJSON(`/api/v1${base}/configmaps/${childName}`)) as ConfigMap | undefined;
  const deployment = (await api.getJSON(`/apis/apps/v1${base}/deployments/${childName}`)) as
    Deployment | undefined;
  if (configMap === undefined || deployment === undefined) return undefined;
  const { [GATEWAY_CONFIG_FILE]: config, ...files } = configMap.data ?? {};
  if (config === undefined) {
    throw new GatewayNotFoundError(namespace, childName, `ConfigMap holds no ${GATEWAY_CONFIG_FILE}`);
  }
  const volumes = async (mounts: SecretMount[]) => {
    const byDirectory: Record<string, Record<string, string>> = {};
    for (const mount of mounts) {
      const secret = (await api.getJSON(`/api/v1${base}/secrets/${mount.secretName}`)) as
        { data?: Record<string, string> } | undefined;
      const data = decode(secret?.data);
      const items = mount.items;
      byDirectory[mount.subdirectory] =
        items === undefined
          ? data
          : Object.fromEntries(
              Object.entries(data).flatMap(([key, value]) => {
                const file = items[key];
                return file === undefined ? [] : [[file, value]];
              }),
            );
    }
    return byDirectory;
  };
  return {
    config,
    files,
    apiKeys: await volumes(apiKeySecretMounts(deployment)),
    credentials: await volumes(credentialSecretMounts(deployment)),
  };
}
