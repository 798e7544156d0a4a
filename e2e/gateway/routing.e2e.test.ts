// Requests through a real nginx running the rendered configuration reach the backend the routes say:
// by path (exact, longest prefix), host, header and method (HEAD by GET routes), with 404 and 405
// answered by the gateway.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend, type EchoBackend, type EchoedRequest } from '../../test/nginx/echo-backend.ts';
import {
  serviceDNSName,
  startGatewayUnderTest,
  type GatewayUnderTest,
} from '../../test/nginx/gateway-under-test.ts';
import { waitFor } from '../setup/cluster-env.ts';

const BACKENDS = [
  'users',
  'users-write',
  'me',
  'admin',
  'api',
  'orders',
  'tenant',
  'shop',
  'shop-any',
  'status',
  'docs',
  'late',
  'slow',
] as const;
type BackendName = (typeof BACKENDS)[number];

let gateway: GatewayUnderTest;
const backends = new Map<BackendName, EchoBackend>();

function backend(name: BackendName): EchoBackend {
  const found = backends.get(name);
  if (!found) throw new Error(`no backend ${name}`);
  return found;
}

/** A route to one of the backends, by its bare Service name (the route's namespace). */
function to(name: BackendName) {
  return { destinationService: name, destinationPort: backend(name).port };
}

beforeAll(async () => {
  for (const name of BACKENDS) {
    backends.set(name, await startEchoBackend(name, name === 'slow' ? { delayMs: 3000 } : {}));
  }
  gateway = await startGatewayUnderTest({
    dnsNames: BACKENDS.filter((name) => name !== 'late').map((name) => serviceDNSName(name)),
    routes: [
      gatewayRoute('users-get', { path: '/api/users', method: 'GET', ...to('users') }),
      gatewayRoute('users-post', { path: '/api/users', method: 'POST', ...to('users-write') }),
      gatewayRoute('users-me', { path: '/api/users/me', pathMatch: 'Exact', method: 'GET', ...to('me') }),
      gatewayRoute('users-admin', { path: '/api/users/admin', ...to('admin') }),
      gatewayRoute('api', { path: '/api', ...to('api') }),
      gatewayRoute('orders', { path: '/api/orders', method: 'GET', ...to('orders') }),
      gatewayRoute('orders-acme', {
        path: '/api/orders',
        method: 'GET',
        headers: [{ name: 'X-Tenant', value: 'acme' }],
        ...to('tenant'),
      }),
      gatewayRoute('shop', { path: '/shop', method: 'GET', hosts: ['shop.example.com'], ...to('shop') }),
      gatewayRoute('shop-any', { path: '/shop', method: 'GET', hosts: ['*.example.com'], ...to('shop-any') }),
      gatewayRoute('status', { path: '/status', pathMatch: 'Exact', method: 'GET', ...to('status') }),
      gatewayRoute('status-tenant', {
        path: '/tenant-status',
        pathMatch: 'Exact',
        method: 'PUT',
        headers: [{ name: 'X-Tenant', value: 'acme' }],
        ...to('status'),
      }),
      gatewayRoute('docs', { path: '/docs%20v2', ...to('docs') }),
      gatewayRoute('late', { path: '/late', ...to('late') }),
      gatewayRoute('slow', { path: '/slow', requestTimeoutSeconds: 1, ...to('slow') }),
    ],
  });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  for (const b of backends.values()) await b.close();
});

async function served(
  path: string,
  options: Parameters<GatewayUnderTest['request']>[1] = {},
): Promise<EchoedRequest> {
  const answer = await gateway.request(path, options);
  expect({ path, status: answer.status, body: answer.status === 200 ? '' : answer.body }).toEqual({
    path,
    status: 200,
    body: '',
  });
  return JSON.parse(answer.body) as EchoedRequest;
}

/** Which backend a HEAD request reached; it must be answered 200 without a body. */
async function servedHead(
  path: string,
  options: Parameters<GatewayUnderTest['request']>[1] = {},
): Promise<EchoedRequest | undefined> {
  const before = new Map(BACKENDS.map((name) => [name, backend(name).requests.length]));
  const answer = await gateway.request(path, { ...options, method: 'HEAD' });
  expect({ path, status: answer.status, body: answer.body }).toEqual({ path, status: 200, body: '' });
  const reached = BACKENDS.find((name) => backend(name).requests.length > (before.get(name) ?? 0));
  return reached === undefined ? undefined : backend(reached).requests.at(-1);
}

describe('gateway routing through nginx', () => {
  it('answers its health check', async () => {
    const answer = await gateway.request('/healthz');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
  });

  it('routes by path prefix on segment boundaries and passes the request URI unchanged', async () => {
    expect((await served('/api/users')).backend).toBe('users');
    const deep = await served('/api/users/42?fields=name&x=%2F');
    expect(deep).toMatchObject({ backend: 'users', url: '/api/users/42?fields=name&x=%2F' });
    expect((await served('/api')).backend).toBe('api');
    expect((await served('/api/')).backend).toBe('api');
    expect((await served('/api/other')).backend).toBe('api');
    expect((await gateway.request('/apis')).status).toBe(404);
  });

  it('prefers the longest prefix, and an exact path over every prefix', async () => {
    expect((await served('/api/users/admin/settings')).backend).toBe('admin');
    expect((await served('/api/users/admin')).backend).toBe('admin');
    expect((await served('/api/users/administrators')).backend).toBe('users');
    expect((await served('/api/users/me')).backend).toBe('me');
    expect((await served('/api/users/me/photo')).backend).toBe('users');
  });

  it('dispatches routes of one path by method, and falls back to a shorter prefix taking the method', async () => {
    expect((await served('/api/users', { method: 'POST', body: '{}' })).backend).toBe('users-write');
    expect((await served('/api/users/me', { method: 'POST' })).backend).toBe('users-write');
    expect((await served('/api/users', { method: 'DELETE' })).backend).toBe('api');
  });

  it('matches header conditions exactly, case-sensitively in the value', async () => {
    expect((await served('/api/orders', { headers: { 'X-Tenant': 'acme' } })).backend).toBe('tenant');
    expect((await served('/api/orders', { headers: { 'x-tenant': 'acme' } })).backend).toBe('tenant');
    expect((await served('/api/orders', { headers: { 'X-Tenant': 'ACME' } })).backend).toBe('orders');
    expect((await served('/api/orders', { headers: { 'X-Tenant': 'acme2' } })).backend).toBe('orders');
    expect((await served('/api/orders')).backend).toBe('orders');
  });

  it('matches hosts exactly or by wildcard, ignoring the port, before routes for fewer hosts', async () => {
    expect((await served('/shop', { headers: { Host: 'shop.example.com' } })).backend).toBe('shop');
    expect((await served('/shop/cart', { headers: { Host: 'shop.example.com:8443' } })).backend).toBe('shop');
    expect((await served('/shop', { headers: { Host: 'a.example.com' } })).backend).toBe('shop-any');
    expect((await served('/shop', { headers: { Host: 'a.b.example.com' } })).backend).toBe('shop-any');
    expect((await gateway.request('/shop', { headers: { Host: 'example.com' } })).status).toBe(404);
    expect((await gateway.request('/shop', { headers: { Host: 'shop.example.org' } })).status).toBe(404);
  });

  it('serves HEAD by the GET route of the path, not by a less specific route', async () => {
    expect(await servedHead('/status')).toMatchObject({ backend: 'status', method: 'HEAD' });
    expect(await servedHead('/api/users/7')).toMatchObject({ backend: 'users', method: 'HEAD' });
    const tenant = await servedHead('/api/orders', { headers: { 'X-Tenant': 'acme' } });
    expect(tenant).toMatchObject({ backend: 'tenant', method: 'HEAD' });
  });

  it('answers 405 with Allow when the path matches but the method does not', async () => {
    const answer = await gateway.request('/status', { method: 'POST' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'MethodNotAllowed' });
    expect((await served('/status')).backend).toBe('status');
  });

  it('answers 405 only when the other conditions of a route hold, 404 otherwise', async () => {
    const withHeader = await gateway.request('/tenant-status', {
      method: 'GET',
      headers: { 'X-Tenant': 'acme' },
    });
    expect(withHeader.status).toBe(405);
    expect(withHeader.headers.allow).toBe('PUT');
    expect((await gateway.request('/tenant-status', { method: 'GET' })).status).toBe(404);
    const put = await served('/tenant-status', { method: 'PUT', headers: { 'X-Tenant': 'acme' } });
    expect(put.backend).toBe('status');
  });

  it('answers 404 with a JSON body when no route matches', async () => {
    const answer = await gateway.request('/nothing/here');
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'NotFound' });
  });

  it('matches percent-encoded route paths against the decoded request path, decoded once', async () => {
    expect((await served('/docs%20v2/intro')).backend).toBe('docs');
    // Encoded twice, it is refused (see request-paths.e2e.test.ts), not read as /docs%20v2.
    expect((await gateway.request('/docs%2520v2')).status).toBe(400);
  });

  it('resolves Service names at run time: a Service that appears later is reached without a reload', async () => {
    const workers = gateway.nginx.workerPIDs();
    const missing = await gateway.request('/late');
    expect(missing.status).toBe(502);
    expect(JSON.parse(missing.body)).toMatchObject({ error: 'BadGateway' });
    gateway.dns.set(serviceDNSName('late'));
    // nginx asks again resolverValidSeconds + 1 s after its last answer (2 s in these tests).
    await waitFor(async () => (await gateway.request('/late')).status === 200, {
      description: 'the gateway to reach the Service created later',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    expect(gateway.nginx.workerPIDs()).toEqual(workers);
  }, 15_000);

  it('answers 504 when the backend takes longer than requestTimeoutSeconds', async () => {
    const started = Date.now();
    // The backend answers after 3 s, so a 504 is the gateway giving up first; and not before the 1 s asked.
    const answer = await gateway.request('/slow');
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'GatewayTimeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  }, 15_000);

  it('forwards the client and request identity and logs every request as JSON with its route', async () => {
    const echoed = await served('/api/users/7', { headers: { 'X-Request-ID': 'trace-123' } });
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echoed.headers['x-request-id']).toBe('trace-123');
    // nginx writes the access log line after it has sent the response, so it may lag the answer slightly.
    const entries = await waitFor(
      async () => {
        const logged = await gateway.nginx.accessLogEntries();
        return logged.some((e) => e.requestId === 'trace-123') ? logged : undefined;
      },
      { description: 'the access log entry of request trace-123', timeoutMs: 5_000, intervalMs: 50 },
    );
    const entry = entries.find((e) => e.requestId === 'trace-123');
    expect(entry).toMatchObject({
      gateway: 'team-a/edge',
      route: 'team-a/users-get',
      method: 'GET',
      path: '/api/users/7',
      status: 200,
      upstream: `127.0.0.1:${backend('users').port}`,
    });
    expect(typeof entry?.latencySeconds).toBe('number');
    expect(entries.find((e) => e.path === '/nothing/here')).toMatchObject({ status: 404, route: '' });
  });
});

describe('a gateway whose routes take every method', () => {
  let anyMethod: GatewayUnderTest;

  beforeAll(async () => {
    anyMethod = await startGatewayUnderTest({
      dnsNames: [serviceDNSName('api')],
      routes: [gatewayRoute('everything', { path: '/', ...to('api') })],
    });
  }, 30_000);

  afterAll(async () => {
    await anyMethod?.stop();
  });

  it('answers the 405 nginx raises itself as JSON, not as an error of the gateway', async () => {
    const answer = await anyMethod.request('/anything', { method: 'TRACE' });
    expect(answer.status).toBe(405);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'MethodNotAllowed' });
    expect((await anyMethod.request('/anything', { method: 'DELETE' })).status).toBe(200);
  });
});
