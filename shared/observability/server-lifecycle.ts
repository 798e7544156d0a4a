// Starting and stopping the processes' HTTP(S) servers the same way: listen reports a bind failure (port
// in use) as a rejected promise instead of an 'error' event nobody handles, and a close lets requests in
// flight finish within a bound.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on host:port (0 picks a free port) and resolves with the bound address. */
export function listen(
  server: Pick<Server, 'once' | 'off' | 'listen' | 'address'>,
  port: number,
  host: string,
) {
  return new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting, lets open requests finish, then cuts whatever is left after `timeoutMs`. */
export function closeGracefully(
  server: Pick<Server, 'listening' | 'close' | 'closeAllConnections' | 'closeIdleConnections'>,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
