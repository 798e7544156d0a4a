// The floor the gateway benchmark measures against: the same nginx build with nothing but one location
// proxying to a static upstream over kept-alive connections, and nginx's defaults otherwise (its access
// log included). What the gateway costs beyond it is its own work: dispatch, route selection, headers,
// path checks, its log format and the upstream resolved at run time.
import { freeLoopbackPort } from '../../test/nginx/free-port.ts';
import {
  createNginxWorkspace,
  removeNginxWorkspace,
  startNginx,
  type NginxWorkspace,
} from '../../test/nginx/nginx-process.ts';

export interface FloorProxy {
  port: number;
  workerPIDs(): number[];
  stop(): Promise<void>;
}

/** The configuration: the gateway's worker and connection settings, one static keep-alive proxy. */
function floorProxyConfig(workspace: NginxWorkspace, port: number, backendPort: number): string {
  const run = workspace.runtimeDirectory;
  return `worker_processes auto;
pid ${run}/nginx.pid;
error_log ${workspace.errorLog} warn;
events { worker_connections 4096; }
http {
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${run}/${kind};`).join('\n  ')}
  access_log ${workspace.accessLog};
  upstream backend {
    server 127.0.0.1:${backendPort};
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

export async function startFloorProxy(backendPort: number): Promise<FloorProxy> {
  const workspace = await createNginxWorkspace();
  try {
    const port = await freeLoopbackPort();
    const nginx = await startNginx(
      workspace,
      { config: floorProxyConfig(workspace, port, backendPort) },
      port,
    );
    return {
      port,
      workerPIDs: () => nginx.workerPIDs(),
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
