// The reloader's HTTP endpoint on the pod's address: `GET /status` for the controller (what is mounted,
// what nginx runs, what it refused) and `GET /healthz` for the kubelet. Nothing else is served, and
// nothing here changes anything.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RELOADER_STATUS_PATH, type ReloaderStatus } from '../shared/gateway/reloader-status.ts';
import { closeGracefully, listen } from '../shared/observability/server-lifecycle.ts';

const RELOADER_HEALTH_PATH = '/healthz';

export interface StatusServer {
  address: AddressInfo;
  close(): Promise<void>;
}

export async function startStatusServer(
  status: () => ReloaderStatus,
  host: string,
  port: number,
): Promise<StatusServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === RELOADER_STATUS_PATH) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status()));
    } else if (path === RELOADER_HEALTH_PATH) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else {
      res.writeHead(404).end();
    }
  });
  const address = await listen(server, port, host);
  return { address, close: () => closeGracefully(server, 2000) };
}
