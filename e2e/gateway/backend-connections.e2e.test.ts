// Connections from the gateway to its backends through a real nginx: an idle connection is kept and reused
// by the next request to the same backend, whatever route and whatever the client's own Connection header;
// a backend name is followed to a new address without a reload; a connection the backend closed is not
// used; upgrades and streamed answers pass through; a name that does not resolve is the gateway's JSON
// 502, while a backend's own 502 passes unchanged; a reload keeps the addresses resolved before it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import { aiModel, gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend, type EchoBackend, type EchoedRequest } from '../../test/nginx/echo-backend.ts';
import {
  serviceDNSName,
  startGatewayUnderTest,
  type GatewayUnderTest,
} from '../../test/nginx/gateway-under-test.ts';
import { waitFor } from '../setup/cluster-env.ts';

const MODEL_HOST = 'models.example.test';

let gateway: GatewayUnderTest;
let kept: EchoBackend;
let movingFrom: EchoBackend;
let movingTo: EchoBackend;
let closing: EchoBackend;
let routes: APIGatewayRouteV1[];

beforeAll(async () => {
  kept = await startEchoBackend('kept');
  movingFrom = await startEchoBackend('moving-from');
  // The same port on another loopback address: a Service whose ClusterIP changed.
  movingTo = await startEchoBackend('moving-to', { host: '127.0.0.2', port: movingFrom.port });
  closing = await startEchoBackend('closing', { keepAliveTimeoutMs: 300 });
  const service = (name: string, backend: EchoBackend) => ({
    destinationService: name,
    destinationPort: backend.port,
  });
  routes = [
    gatewayRoute('kept-a', { path: '/kept-a', ...service('kept', kept) }),
    gatewayRoute('kept-b', { path: '/kept-b', ...service('kept', kept) }),
    gatewayRoute('moving', { path: '/moving', ...service('moving', movingFrom) }),
    gatewayRoute('closing', { path: '/closing', ...service('closing', closing) }),
    gatewayRoute('ghost', { path: '/ghost', ...service('ghost', kept) }),
    gatewayRoute('model', { path: '/ai', aiModelRef: { name: 'streamer' } }),
  ];
  gateway = await startGatewayUnderTest({
    dnsNames: [serviceDNSName('kept'), serviceDNSName('moving'), serviceDNSName('closing'), MODEL_HOST],
    models: [aiModel('streamer', { endpoint: `http://${MODEL_HOST}:${kept.port}` })],
    routes,
    // One worker, so that consecutive requests find the connections the one before left idle.
    render: { workerProcesses: 1 },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  for (const backend of [kept, movingFrom, movingTo, closing]) await backend?.close();
});

async function served(path: string, options: Parameters<GatewayUnderTest['request']>[1] = {}) {
  const answer = await gateway.request(path, options);
  expect({ path, status: answer.status }).toEqual({ path, status: 200 });
  return JSON.parse(answer.body) as EchoedRequest;
}

describe('connections from the gateway to its backends', () => {
  it('reuses one connection for the requests to a backend, across its routes', async () => {
    const seen: EchoedRequest[] = [];
    for (const path of ['/kept-a', '/kept-b', '/kept-a/x', '/kept-b/y', '/kept-a'])
      seen.push(await served(path));
    expect(new Set(seen.map((r) => r.backend))).toEqual(new Set(['kept']));
    expect(new Set(seen.map((r) => r.remotePort)).size).toBe(1);
  });

  it("keeps the connection open whatever the client's Connection header says", async () => {
    const first = await served('/kept-a', { headers: { Connection: 'close' } });
    // Neither the client's "close" nor any other Connection header reaches the backend.
    expect(first.headers.connection).toBeUndefined();
    const second = await served('/kept-a', { headers: { Connection: 'keep-alive, X-Drop' } });
    expect(second.headers.connection).toBeUndefined();
    expect(second.remotePort).toBe(first.remotePort);
  });

  it('follows a Service to a new address without a reload, leaving the old connections unused', async () => {
    const workers = gateway.nginx.workerPIDs();
    const before = [await served('/moving'), await served('/moving')];
    expect(before.map((r) => r.backend)).toEqual(['moving-from', 'moving-from']);
    // A kept connection to the old address exists, and must not be what the next requests use.
    expect(before[1]?.remotePort).toBe(before[0]?.remotePort);
    gateway.dns.set(serviceDNSName('moving'), '127.0.0.2');
    // nginx asks again resolverValidSeconds + 1 s after its last answer (2 s in these tests).
    await waitFor(async () => (await served('/moving')).backend === 'moving-to', {
      description: 'the gateway to reach the moved Service',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    const after = [];
    for (let i = 0; i < 5; i++) after.push((await served('/moving')).backend);
    expect(after).toEqual(Array.from({ length: 5 }, () => 'moving-to'));
    expect(gateway.nginx.workerPIDs()).toEqual(workers);
  }, 20_000);

  it('opens a new connection when the backend closed the idle one, also for a POST', async () => {
    const first = await served('/closing');
    // The backend closes connections idle for 300 ms.
    await sleep(800);
    const second = await served('/closing', { method: 'POST', body: '{"prompt":"hi"}' });
    expect(second.remotePort).not.toBe(first.remotePort);
  });

  it('answers 502 with a JSON body when the backend name does not resolve', async () => {
    const answer = await gateway.request('/ghost');
    expect(answer.status).toBe(502);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'BadGateway' });
  });

  it("passes a backend's own 502 on unchanged", async () => {
    const answer = await gateway.request('/kept-a', { headers: { 'x-echo-status': '502' } });
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toMatchObject({ backend: 'kept', url: '/kept-a' });
  });

  it('passes an upgrade through, and the connection it became serves nothing else', async () => {
    const socket = connect(gateway.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.write(
      'GET /kept-a/socket HTTP/1.1\r\nHost: gateway.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    await waitFor(() => received.includes('\r\n\r\n'), {
      description: 'the answer to the upgrade',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    expect(received).toMatch(/^HTTP\/1\.1 101 /);
    const upgrade = kept.requests.at(-1);
    expect(upgrade?.headers).toMatchObject({ upgrade: 'websocket', connection: 'upgrade' });
    socket.write('ping');
    await waitFor(() => received.endsWith('\r\n\r\nping'), {
      description: 'the echo through the upgraded connection',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    const during = await served('/kept-a');
    expect(during.remotePort).not.toBe(upgrade?.remotePort);
    socket.destroy();
  });

  it('streams a model answer as the backend writes it, then reuses the connection', async () => {
    const arrivals: number[] = [];
    const body = await new Promise<string>((resolve, reject) => {
      const outgoing = request(
        { host: '127.0.0.1', port: gateway.port, path: '/ai/chat', headers: { 'x-echo-stream': '3' } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            arrivals.push(performance.now());
            text += chunk;
          });
          response.on('end', () => resolve(text));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(body).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    // The backend writes the events 100 ms apart: buffered, they would arrive together.
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(100);
    const next = await served('/ai/chat');
    expect(next.remotePort).toBe(kept.requests.at(-2)?.remotePort);
  });

  it('keeps the addresses it resolved across a reload, while the DNS server does not answer', async () => {
    const workers = gateway.nginx.workerPIDs();
    gateway.dns.silent = true;
    try {
      // A new route to a backend the gateway had resolved, and one to a backend new to it (so the zone
      // the addresses live in is sized anew): the new workers start with the addresses they had.
      await gateway.reconfigure([
        ...routes,
        gatewayRoute('kept-c', { path: '/kept-c', destinationService: 'kept', destinationPort: kept.port }),
        gatewayRoute('fresh', { path: '/fresh', destinationService: 'fresh', destinationPort: kept.port }),
      ]);
      expect(gateway.nginx.workerPIDs().some((pid) => workers.includes(pid))).toBe(false);
      expect((await served('/kept-c')).backend).toBe('kept');
      expect((await served('/kept-a')).backend).toBe('kept');
      expect((await served('/ai/chat')).backend).toBe('kept');
      // The new name has no answer yet.
      expect((await gateway.request('/fresh')).status).toBe(502);
    } finally {
      gateway.dns.silent = false;
    }
  });
});
