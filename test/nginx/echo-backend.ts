// A small HTTP(S) backend on a loopback address that answers every request with a JSON description of it
// (which backend, method, URL, headers, TLS server name, the connection it came on), so tests can see
// where a gateway sent a request, what it forwarded and whether it reused a connection. It accepts every
// upgrade (101) and echoes what the client sends after it; asked with `x-echo-stream: <n>`, it streams n
// server-sent events 100 ms apart instead, and with `x-echo-status: <code>` it answers with that status.
import {
  createServer as createHTTPServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHTTPSServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';

export interface EchoedRequest {
  backend: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The SNI name a TLS client sent; absent over plain HTTP. */
  serverName?: string;
  /** The client's port: requests with the same one came on the same connection. */
  remotePort: number;
}

export interface EchoBackend {
  name: string;
  /** The address it listens on. */
  host: string;
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
  /** A 127.x.y.z address to listen on; 127.0.0.1 when absent. */
  host?: string;
  /** The port to listen on; any free one when absent. */
  port?: number;
  /** How long an idle kept-alive connection stays open (Node.js's default: 5 s, plus 1 s of buffer). */
  keepAliveTimeoutMs?: number;
}

const STREAM_HEADER = 'x-echo-stream';
const STATUS_HEADER = 'x-echo-status';
const STREAM_INTERVAL_MS = 100;

function echoOf(name: string, request: IncomingMessage): EchoedRequest {
  const serverName = (request.socket as Partial<TLSSocket>).servername;
  return {
    backend: name,
    method: request.method ?? '',
    url: request.url ?? '',
    headers: request.headers,
    ...(typeof serverName === 'string' ? { serverName } : {}),
    remotePort: request.socket.remotePort ?? 0,
  };
}

/** Sends `events` server-sent events, STREAM_INTERVAL_MS apart, then ends the answer. */
function stream(response: ServerResponse, events: number, timers: Set<NodeJS.Timeout>): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sent = 0;
  const next = () => {
    sent += 1;
    response.write(`data: ${sent}\n\n`);
    if (sent === events) response.end();
    else timers.add(setTimeout(next, STREAM_INTERVAL_MS));
  };
  next();
}

export async function startEchoBackend(name: string, options: EchoBackendOptions = {}): Promise<EchoBackend> {
  const requests: EchoedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  // Upgraded connections leave the server's keeping; close() ends them itself.
  const upgraded = new Set<Duplex>();
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const echoed = echoOf(name, request);
    requests.push(echoed);
    // The body is read to its end before answering, as a real backend would.
    request.resume();
    request.on('end', () => {
      const events = Number(request.headers[STREAM_HEADER]);
      if (events > 0) {
        stream(response, events, timers);
        return;
      }
      const answer = () => {
        const body = JSON.stringify(echoed);
        response.writeHead(Number(request.headers[STATUS_HEADER] ?? 200), {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        response.end(body);
      };
      if (options.delayMs) timers.add(setTimeout(answer, options.delayMs));
      else answer();
    });
  };
  const server = options.tls ? createHTTPSServer(options.tls, handle) : createHTTPServer(handle);
  if (options.keepAliveTimeoutMs !== undefined) {
    server.keepAliveTimeout = options.keepAliveTimeoutMs;
    // Node.js keeps the socket this much longer than it advertises; the test means the time itself.
    server.keepAliveTimeoutBuffer = 0;
  }
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    requests.push(echoOf(name, request));
    const protocol = request.headers.upgrade ?? '';
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${protocol}\r\nConnection: Upgrade\r\n\r\n`);
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    name,
    host,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }),
  };
}
