// The gateway as the controller configured it, run on this machine: the nginx configuration and files of
// its ConfigMap, taken from the cluster as they are, in a real nginx on a loopback port, with the API-key
// Secrets its Deployment mounts laid out as the kubelet would. Backends are reached through the DNS server
// the controller was given, which maps Service names to loopback addresses: nothing dials a cluster IP.
import { join } from 'node:path';
import { localGatewayConfig } from '../../e2e/controller/support/local-gateway-config.ts';
import { freeLoopbackPort } from '../../test/nginx/free-port.ts';
import { njsModulesDirectory } from '../../test/nginx/nginx-binary.ts';
import { createNginxWorkspace, removeNginxWorkspace, startNginx } from '../../test/nginx/nginx-process.ts';
import type { NginxFiles, NginxWorkspace, RunningNginx } from '../../test/nginx/nginx-process.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
import type { GatewaySnapshot } from './gateway-snapshot.ts';

/** What changed for the running nginx: its configuration (reloaded), only API keys, or nothing. */
export type GatewayUpdate = 'reloaded' | 'keys' | 'unchanged';

export interface LocalGateway {
  /** Where nginx listens on 127.0.0.1. */
  port: number;
  pid: number;
  workspace: NginxWorkspace;
  /** Brings nginx to a newer snapshot: Secret files rewritten, a reload for a new configuration. */
  update(snapshot: GatewaySnapshot): Promise<GatewayUpdate>;
  stop(): Promise<void>;
}

function nginxFiles(snapshot: GatewaySnapshot, workspace: NginxWorkspace, port: number): NginxFiles {
  return {
    config: localGatewayConfig(snapshot.config, {
      port,
      runtimeDirectory: workspace.runtimeDirectory,
      accessLog: workspace.accessLog,
      modulesDirectory: njsModulesDirectory(),
      apiKeysDirectory: join(workspace.directory, 'api-keys'),
    }),
    files: snapshot.files,
  };
}

async function writeApiKeys(snapshot: GatewaySnapshot, workspace: NginxWorkspace): Promise<void> {
  for (const [subdirectory, data] of Object.entries(snapshot.apiKeys)) {
    await writeSecretVolume(join(workspace.directory, 'api-keys', subdirectory), data);
  }
}

const configOf = (s: GatewaySnapshot) => JSON.stringify([s.config, s.files]);

export async function startLocalGateway(snapshot: GatewaySnapshot): Promise<LocalGateway> {
  const workspace = await createNginxWorkspace();
  let nginx: RunningNginx;
  let port: number;
  try {
    await writeApiKeys(snapshot, workspace);
    port = await freeLoopbackPort();
    nginx = await startNginx(workspace, nginxFiles(snapshot, workspace, port), port);
  } catch (error) {
    await removeNginxWorkspace(workspace);
    throw error;
  }
  let current = snapshot;
  return {
    port,
    pid: nginx.pid,
    workspace,
    async update(next) {
      const reload = configOf(next) !== configOf(current);
      const keys = JSON.stringify(next.apiKeys) !== JSON.stringify(current.apiKeys);
      // Keys first: a new configuration may check a Secret that is new too.
      if (keys) await writeApiKeys(next, workspace);
      if (reload) await nginx.reload(nginxFiles(next, workspace, port));
      current = next;
      return reload ? 'reloaded' : keys ? 'keys' : 'unchanged';
    },
    async stop() {
      await nginx.stop();
      await removeNginxWorkspace(workspace);
    },
  };
}
