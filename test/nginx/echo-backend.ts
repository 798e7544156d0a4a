// A small HTTP(S) backend on 127.0.0.1 that answers every request with a JSON description of it (which
// backend, method, URL, headers, TLS server name), so tests can see where a gateway sent a request and
// what it forwarded.
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface EchoedRequest {
  backend: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The SNI name a TLS client sent; absent over plain HTTP. */
  serverName?: string;
}

export interface EchoBackend {
  name: string;
  port: number;
  /** Every request received, oldest first. */
  requests: EchoedRequest[];
  close(): Promise<void>;
}

export interface EchoBackendOptions {
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Delay before answering, to exercise timeouts. */
  delayMs?: number;
}

export async function startEchoBackend(name: string, options: EchoBackendOptions = {}): Promise<EchoBackend> {
  const requests: EchoedRequest[] = [];
  const delayed = new Set<NodeJS.Timeout>();
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const serverName = (request.socket as Partial<TLSSocket>).servername;
    const echoed: EchoedRequest = {
      backend: name,
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      ...(typeof serverName === 'string' ? { serverName } : {}),
    };
    requests.push(echoed);
    // The body is read to its end before answering, as a real backend would.
    request.resume();
    request.on('end', () => {
      const answer = () => {
        const body = JSON.stringify(echoed);
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        response.end(body);
      };
      if (options.delayMs) delayed.add(setTimeout(answer, options.delayMs));
      else answer();
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, handle) : createHttpServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    name,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of delayed) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
