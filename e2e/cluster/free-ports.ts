// Loopback ports nobody is listening on, so that several clusters (and other tests) can run side by side.
import { createServer } from 'node:net';
import type { Server } from 'node:net';

function listenOnAnyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** A distinct free port on 127.0.0.1 for each name; all are held open together so none is handed out twice. */
export async function freeLoopbackPorts<Name extends string>(
  names: readonly Name[],
): Promise<Record<Name, number>> {
  const servers = await Promise.all(names.map(() => listenOnAnyPort()));
  const ports = {} as Record<Name, number>;
  names.forEach((name, i) => {
    const address = servers[i]?.address();
    if (address === null || address === undefined || typeof address === 'string') {
      throw new Error('listening socket has no TCP port');
    }
    ports[name] = address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
