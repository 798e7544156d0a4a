// The sample gateway's configuration and Secrets, read from the cluster, started in a local nginx; says
// what was taken (of provider keys, only the names) and where nginx listens.
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { GATEWAY_CONFIG_FILE } from '../../shared/gateway/render-gateway-config.ts';
import type { DemoOutput } from './demo-output.ts';
import { GATEWAY_CHILD_NAME, SAMPLES_NAMESPACE } from './demo-settings.ts';
import { GatewayNotFoundError, readGatewaySnapshot } from './gateway-snapshot.ts';
import { startLocalGateway } from './local-gateway.ts';
import type { LocalGateway } from './local-gateway.ts';

export async function runGatewayLocally(cluster: LocalCluster, out: DemoOutput): Promise<LocalGateway> {
  const snapshot = await readGatewaySnapshot(cluster.adminAPI(), SAMPLES_NAMESPACE, GATEWAY_CHILD_NAME);
  if (snapshot === undefined) {
    throw new GatewayNotFoundError(SAMPLES_NAMESPACE, GATEWAY_CHILD_NAME, 'no ConfigMap or Deployment');
  }
  const name = `${SAMPLES_NAMESPACE}/${GATEWAY_CHILD_NAME}`;
  const files = Object.keys(snapshot.files).map((file) => `, ${file}`);
  out.step(
    `ConfigMap ${name}: ${GATEWAY_CONFIG_FILE} (${snapshot.config.split('\n').length} lines)${files.join('')}`,
  );
  for (const [secret, keys] of Object.entries(snapshot.apiKeys)) {
    out.step(
      `Secret ${SAMPLES_NAMESPACE}/${secret}: ${Object.keys(keys).length} API keys, mounted as in the pod`,
    );
  }
  for (const [secret, keys] of Object.entries(snapshot.credentials)) {
    const names = Object.keys(keys);
    out.step(
      `Secret ${SAMPLES_NAMESPACE}/${secret}: provider key${names.length === 1 ? '' : 's'} ` +
        `${names.join(', ') || '(none yet)'}, mounted as in the pod (and only ${names.length === 1 ? 'it' : 'they'})`,
    );
  }
  const gateway = await startLocalGateway(snapshot);
  out.step(
    `nginx (pid ${gateway.pid}) serves it on 127.0.0.1:${gateway.port}, its metrics on ` +
      `127.0.0.1:${gateway.metricsPort}; files in ${gateway.workspace.directory}`,
  );
  return gateway;
}
