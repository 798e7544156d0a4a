// The gateway as the controller configured it, run on this machine: the nginx configuration and files of
// its ConfigMap, taken from the cluster as they are, in a real nginx on a loopback port, with the API-key
// Secrets its Deployment mounts laid out as the kubelet would. Backends are reached through the DNS server
// the controller was given, which maps Service names to loopback addresses: nothing dials a cluster IP.
import { join } from 'node:path';
import type { ConfigMap, Deployment } from '../../controller/children/kube-objects.ts';
import { localGatewayConfig } from '../../e2e/controller/support/local-gateway-config.ts';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { GATEWAY_CONFIG_FILE } from '../../shared/gateway/render-gateway-config.ts';
import { freeLoopbackPort } from '../../test/nginx/free-port.ts';
import { njsModulesDirectory } from '../../test/nginx/nginx-binary.ts';
import { createNginxWorkspace, removeNginxWorkspace, startNginx } from '../../test/nginx/nginx-process.ts';
import type { NginxWorkspace } from '../../test/nginx/nginx-process.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
import type { DemoOutput } from './demo-output.ts';
import { GATEWAY_CONFIG_MAP, GATEWAY_DEPLOYMENT, SAMPLES_NAMESPACE } from './demo-settings.ts';
import { apiKeySecretMounts } from './gateway-secret-mounts.ts';

export interface LocalGateway {
  /** Where nginx listens on 127.0.0.1. */
  port: number;
  workspace: NginxWorkspace;
  stop(): Promise<void>;
}

export class GatewayConfigMissingError extends Error {
  readonly configMap: string;
  constructor(configMap: string) {
    super(`ConfigMap ${configMap} holds no ${GATEWAY_CONFIG_FILE}`);
    this.name = 'GatewayConfigMissingError';
    this.configMap = configMap;
  }
}

interface SecretObject {
  data?: Record<string, string>;
}

async function mountSecrets(
  cluster: LocalCluster,
  deployment: Deployment,
  apiKeysDirectory: string,
  out: DemoOutput,
): Promise<void> {
  for (const mount of apiKeySecretMounts(deployment)) {
    const text = await cluster.kubectl.run([
      'get',
      'secret',
      mount.secretName,
      '-n',
      SAMPLES_NAMESPACE,
      '--ignore-not-found',
      '-o',
      'json',
    ]);
    // An optional volume of a missing Secret is an empty directory in the pod: its routes answer 401.
    const data = text.trim() === '' ? {} : ((JSON.parse(text) as SecretObject).data ?? {});
    const decoded = Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
    );
    await writeSecretVolume(join(apiKeysDirectory, mount.subdirectory), decoded);
    out.step(`Secret ${SAMPLES_NAMESPACE}/${mount.secretName}: ${Object.keys(decoded).length} keys mounted`);
  }
}

export async function startLocalGateway(cluster: LocalCluster, out: DemoOutput): Promise<LocalGateway> {
  const where = ['-n', SAMPLES_NAMESPACE];
  const configMap = await cluster.kubectl.getJson<ConfigMap>(['configmap', GATEWAY_CONFIG_MAP, ...where]);
  const deployment = await cluster.kubectl.getJson<Deployment>(['deployment', GATEWAY_DEPLOYMENT, ...where]);
  const { [GATEWAY_CONFIG_FILE]: config, ...files } = configMap.data;
  if (config === undefined) throw new GatewayConfigMissingError(`${SAMPLES_NAMESPACE}/${GATEWAY_CONFIG_MAP}`);
  out.step(
    `ConfigMap ${SAMPLES_NAMESPACE}/${GATEWAY_CONFIG_MAP}: ${GATEWAY_CONFIG_FILE} ` +
      `(${config.split('\n').length} lines)${Object.keys(files)
        .map((name) => `, ${name}`)
        .join('')}`,
  );
  const workspace = await createNginxWorkspace();
  try {
    const apiKeysDirectory = join(workspace.directory, 'api-keys');
    await mountSecrets(cluster, deployment, apiKeysDirectory, out);
    const port = await freeLoopbackPort();
    const nginx = await startNginx(
      workspace,
      {
        config: localGatewayConfig(config, {
          port,
          runtimeDirectory: workspace.runtimeDirectory,
          accessLog: workspace.accessLog,
          modulesDirectory: njsModulesDirectory(),
          apiKeysDirectory,
        }),
        files,
      },
      port,
    );
    out.step(`nginx (pid ${nginx.pid}) serves it on 127.0.0.1:${port}; files in ${workspace.directory}`);
    return {
      port,
      workspace,
      async stop() {
        await nginx.stop();
        await removeNginxWorkspace(workspace);
      },
    };
  } catch (error) {
    await removeNginxWorkspace(workspace);
    throw error;
  }
}
