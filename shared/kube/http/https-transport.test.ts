import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import {
  createCertificateAuthority,
  createClientCertificate,
  createServerCertificate,
} from '../../tls/certificates.ts';
import type { CertificateAuthority, KeyPairPEM } from '../../tls/certificates.ts';
import type { CredentialSource } from './credential-source.ts';
import { HTTPSTransport } from './https-transport.ts';
import { accessCredentials } from '../auth/access-credentials.ts';

interface Seen {
  path: string;
  connection: number;
  clientName: string | undefined;
}

type Route = (res: ServerResponse, socket: TLSSocket, servedBefore: boolean, req: IncomingMessage) => void;

let ca: CertificateAuthority;
let clientOne: KeyPairPEM;
let clientTwo: KeyPairPEM;
let server: https.Server;
let port: number;
let connections = 0;
const closedConnections = new Set<number>();
const connectionIDs = new WeakMap<TLSSocket, number>();
const served = new WeakSet<TLSSocket>();
const seen: Seen[] = [];
const openStreams: ServerResponse[] = [];
const transports: HTTPSTransport[] = [];
const dirs: string[] = [];

const routes: Record<string, Route> = {
  '/get': (res) => res.end('{}'),
  '/stream': (res) => {
    res.writeHead(200);
    res.write('first\n');
    openStreams.push(res);
  },
  '/drop-if-reused': (res, socket, servedBefore) => (servedBefore ? socket.destroy() : res.end('{}')),
  '/only-fresh-tokens': (res, _socket, _servedBefore, req) =>
    req.headers.authorization === 'Bearer revoked' ? res.writeHead(401).end('{}') : res.end('{}'),
};

beforeAll(async () => {
  ca = createCertificateAuthority({ commonName: 'test-ca', validForMs: 3_600_000 });
  const serving = createServerCertificate(ca, {
    commonName: 'apiserver',
    validForMs: 3_600_000,
    ipAddresses: ['127.0.0.1'],
  });
  clientOne = createClientCertificate(ca, { commonName: 'one', validForMs: 3_600_000 });
  clientTwo = createClientCertificate(ca, { commonName: 'two', validForMs: 3_600_000 });
  server = https.createServer({
    key: serving.keyPEM,
    cert: serving.certPEM,
    ca: [ca.certPEM],
    requestCert: true,
    rejectUnauthorized: false,
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    const id = ++connections;
    connectionIDs.set(socket, id);
    socket.on('close', () => closedConnections.add(id));
  });
  server.on('request', (req, res) => {
    const socket = req.socket as TLSSocket;
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    const peer = socket.getPeerCertificate();
    seen.push({
      path,
      connection: connectionIDs.get(socket) ?? 0,
      clientName: peer && 'subject' in peer ? (peer.subject?.CN as string | undefined) : undefined,
    });
    const servedBefore = served.has(socket);
    served.add(socket);
    req.resume();
    (routes[path] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res, socket, servedBefore, req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(() => {
  for (const res of openStreams.splice(0)) res.end();
  for (const t of transports.splice(0)) t.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  seen.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function staticSource(client: KeyPairPEM = clientOne): CredentialSource {
  return {
    server: `https://127.0.0.1:${port}`,
    credentials: async () => ({
      tls: {
        ca: Buffer.from(ca.certPEM),
        cert: Buffer.from(client.certPEM),
        key: Buffer.from(client.keyPEM),
      },
      headers: { Authorization: 'Bearer t' },
    }),
  };
}

function transport(source: CredentialSource, idleTimeoutMs?: number, proxyURL?: string): HTTPSTransport {
  const t = new HTTPSTransport(source, {
    requestTimeoutMs: 5_000,
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    ...(proxyURL ? { proxyURL } : {}),
  });
  transports.push(t);
  return t;
}

function get(t: HTTPSTransport, path = '/get') {
  return t.request({ verb: 'GET', path });
}

function connectionsOf(path: string): Set<number> {
  return new Set(seen.filter((s) => s.path === path).map((s) => s.connection));
}

async function nextChunk(chunks: AsyncIterator<Buffer>): Promise<string> {
  const next = await chunks.next();
  return next.done ? '' : next.value.toString();
}

/** Access whose user authenticates with client certificate files, which the test then rotates. */
function certificateFiles(client: KeyPairPEM): {
  source: CredentialSource;
  rotate: (next: KeyPairPEM) => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'kube-client-cert-'));
  dirs.push(dir);
  const certFile = join(dir, 'client.crt');
  const keyFile = join(dir, 'client.key');
  const rotate = (next: KeyPairPEM) => {
    writeFileSync(certFile, next.certPEM);
    writeFileSync(keyFile, next.keyPEM);
  };
  rotate(client);
  const source = accessCredentials({
    source: 'test',
    cluster: {
      server: `https://127.0.0.1:${port}`,
      caData: Buffer.from(ca.certPEM),
      insecureSkipTLSVerify: false,
    },
    user: { name: 'u', clientCertificateFile: certFile, clientKeyFile: keyFile },
  });
  return { source, rotate };
}

describe('HTTPSTransport connections', () => {
  it('sends one request after another over one kept-alive connection', async () => {
    const t = transport(staticSource());
    for (let i = 0; i < 5; i++) await get(t);
    expect(connectionsOf('/get').size).toBe(1);
    expect(t.connectionPools).toBe(1);
  });

  it('uses a client certificate rotated in its files from the next request on, on a new connection', async () => {
    const { source, rotate } = certificateFiles(clientOne);
    const t = transport(source);
    await get(t);
    await get(t);
    rotate(clientTwo);
    await get(t);
    await get(t);
    expect(seen.map((s) => s.clientName)).toEqual(['one', 'one', 'two', 'two']);
    expect(seen.map((s) => s.connection)).toEqual([
      seen[0]?.connection,
      seen[0]?.connection,
      seen[2]?.connection,
      seen[2]?.connection,
    ]);
    expect(seen[2]?.connection).not.toBe(seen[0]?.connection);
    expect(t.connectionPools).toBe(2);
  });

  it('keeps a watch open across a rotation and closes its connection once the watch ends', async () => {
    const { source, rotate } = certificateFiles(clientOne);
    const t = transport(source);
    const stream = await t.openStream({ verb: 'GET', path: '/stream' });
    const chunks = stream.body[Symbol.asyncIterator]();
    expect(await nextChunk(chunks)).toBe('first\n');
    const watchConnection = seen[0]?.connection ?? 0;
    rotate(clientTwo);
    await get(t);
    expect(seen.at(-1)?.clientName).toBe('two');
    openStreams[0]?.write('second\n');
    expect(await nextChunk(chunks)).toBe('second\n');
    expect(closedConnections.has(watchConnection)).toBe(false);
    stream.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closedConnections.has(watchConnection)).toBe(true);
  });

  it('never queues requests behind open watches', async () => {
    const t = transport(staticSource());
    const streams = await Promise.all(
      Array.from({ length: 40 }, () => t.openStream({ verb: 'GET', path: '/stream' })),
    );
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(t)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    for (const s of streams) s.close();
  });

  it('sends a request again on a new connection when a kept-alive one was closed under it', async () => {
    const t = transport(staticSource());
    await get(t, '/drop-if-reused');
    await expect(get(t, '/drop-if-reused')).resolves.toMatchObject({ status: 200 });
    expect(connectionsOf('/drop-if-reused').size).toBe(2);
  });

  it('closes idle connections after the idle timeout but leaves a quiet watch open', async () => {
    const t = transport(staticSource(), 200);
    const stream = await t.openStream({ verb: 'GET', path: '/stream' });
    const chunks = stream.body[Symbol.asyncIterator]();
    await nextChunk(chunks);
    await get(t);
    const idle = connectionsOf('/get');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...idle].every((id) => closedConnections.has(id))).toBe(true);
    openStreams[0]?.write('after silence\n');
    expect(await nextChunk(chunks)).toBe('after silence\n');
    stream.close();
  });

  it('goes through an http proxy-url with CONNECT, keeping the connection', async () => {
    const tunnels: string[] = [];
    const proxy = http.createServer();
    proxy.on('connect', (req: IncomingMessage, client: net.Socket) => {
      tunnels.push(req.url ?? '');
      const upstream = net.connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const t = transport(
        staticSource(),
        undefined,
        `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      );
      await get(t);
      await get(t);
      expect(tunnels).toEqual([`127.0.0.1:${port}`]);
      expect(seen.map((s) => s.clientName)).toEqual(['one', 'one']);
      t.close();
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('tells the credentials a 401 answered them, so the next request gets fresh ones', async () => {
    let token = 'revoked';
    const source: CredentialSource = {
      server: `https://127.0.0.1:${port}`,
      credentials: async () => ({
        tls: { ca: Buffer.from(ca.certPEM) },
        headers: { Authorization: `Bearer ${token}` },
        onUnauthorized: () => (token = 'renewed'),
      }),
    };
    const t = transport(source);
    await expect(get(t, '/only-fresh-tokens')).rejects.toMatchObject({ status: 401 });
    await expect(get(t, '/only-fresh-tokens')).resolves.toMatchObject({ status: 200 });
  });
});
