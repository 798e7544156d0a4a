// The gateway as the controller configured it, run on this machine: the nginx configuration and files of
// its ConfigMap, taken from the cluster as they are, in a real nginx on a loopback port, with the API-key
// and provider-credentials Secrets its Deployment mounts laid out as the kubelet would, and its metrics on a
// loopback port of their own. Backends are reached through the DNS server the controller was given, which
// maps Service names to loopback addresses: nothing dials a cluster IP.
import { join } from 'node:path';
import { localGatewayConfig } from '../../e2e/controller/support/local-gateway-config.ts';
import { DEFAULT_CREDENTIALS_DIRECTORY } from '../../shared/gateway/gateway-options.ts';
import { freeLoopbackPort } from '../../test/nginx/free-port.ts';
import { njsModulesDirectory } from '../../test/nginx/nginx-binary.ts';
import { createNginxWorkspace, removeNginxWorkspace, startNginx } from '../../test/nginx/nginx-process.ts';
import type { NginxFiles, NginxWorkspace, RunningNginx } from '../../test/nginx/nginx-process.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
import type { GatewaySnapshot } from './gateway-snapshot.ts';

/** What changed for the running nginx: its configuration (reloaded), only Secret files, or nothing. */
export type GatewayUpdate = 'reloaded' | 'keys' | 'unchanged';

export interface LocalGateway {
  /** Where nginx listens on 127.0.0.1. */
  port: number;
  /** Where nginx serves the gateway's metrics on 127.0.0.1, at /metrics. */
  metricsPort: number;
  pid: number;
  workspace: NginxWorkspace;
  /** Brings nginx to a newer snapshot: Secret files rewritten, a reload for a new configuration. */
  update(snapshot: GatewaySnapshot): Promise<GatewayUpdate>;
  stop(): Promise<void>;
}

interface LocalPorts {
  port: number;
  metricsPort: number;
}

/**
 * The pod's configuration for this machine: what localGatewayConfig changes, and the provider-credentials
 * mounts.
 */
function localConfig(config: string, workspace: NginxWorkspace, ports: LocalPorts): string {
  const text = localGatewayConfig(config, {
    port: ports.port,
    metricsPort: ports.metricsPort,
    runtimeDirectory: workspace.runtimeDirectory,
    accessLog: workspace.accessLog,
    modulesDirectory: njsModulesDirectory(),
    apiKeysDirectory: join(workspace.directory, 'api-keys'),
  });
  return text.replaceAll(
    `"${DEFAULT_CREDENTIALS_DIRECTORY}/`,
    `"${join(workspace.directory, 'credentials')}/`,
  );
}

function nginxFiles(snapshot: GatewaySnapshot, workspace: NginxWorkspace, ports: LocalPorts): NginxFiles {
  return { config: localConfig(snapshot.config, workspace, ports), files: snapshot.files };
}

async function writeSecrets(snapshot: GatewaySnapshot, workspace: NginxWorkspace): Promise<void> {
  for (const [subdirectory, data] of Object.entries(snapshot.apiKeys)) {
    await writeSecretVolume(join(workspace.directory, 'api-keys', subdirectory), data);
  }
  for (const [subdirectory, data] of Object.entries(snapshot.credentials)) {
    await writeSecretVolume(join(workspace.directory, 'credentials', subdirectory), data);
  }
}

const secretsOf = (s: GatewaySnapshot) => JSON.stringify([s.apiKeys, s.credentials]);

const configOf = (s: GatewaySnapshot) => JSON.stringify([s.config, s.files]);

export async function startLocalGateway(snapshot: GatewaySnapshot): Promise<LocalGateway> {
  const workspace = await createNginxWorkspace();
  let nginx: RunningNginx;
  let ports: LocalPorts;
  try {
    await writeSecrets(snapshot, workspace);
    const port = await freeLoopbackPort();
    let metricsPort = await freeLoopbackPort();
    while (metricsPort === port) metricsPort = await freeLoopbackPort();
    ports = { port, metricsPort };
    nginx = await startNginx(workspace, nginxFiles(snapshot, workspace, ports), port);
  } catch (error) {
    await removeNginxWorkspace(workspace);
    throw error;
  }
  let current = snapshot;
  return {
    ...ports,
    pid: nginx.pid,
    workspace,
    async update(next) {
      const reload = configOf(next) !== configOf(current);
      const keys = secretsOf(next) !== secretsOf(current);
      // Keys first: a new configuration may read a Secret that is new too.
      if (keys) await writeSecrets(next, workspace);
      if (reload) await nginx.reload(nginxFiles(next, workspace, ports));
      current = next;
      return reload ? 'reloaded' : keys ? 'keys' : 'unchanged';
    },
    async stop() {
      await nginx.stop();
      await removeNginxWorkspace(workspace);
    },
  };
}
