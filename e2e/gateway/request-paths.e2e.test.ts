// Path confusion through a real nginx: a public route and an API-key route on one backend, and a model
// endpoint whose path the gateway rewrites. Hostile request paths (escaped separators and dots, double
// encoding, `;` parameters, backslashes, overlong UTF-8, `//`, dot segments, NUL) are refused, and no
// request reaches the backend under a path its route does not stand for, however the backend reads it
// (see path-readings.ts); ordinary paths, escapes and query strings pass unchanged.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { join } from 'node:path';
import { aiModel, gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend, type EchoBackend } from '../../test/nginx/echo-backend.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
import {
  serviceDNSName,
  startGatewayUnderTest,
  type GatewayUnderTest,
} from '../../test/nginx/gateway-under-test.ts';
import { liesUnder, pathReadings } from './path-readings.ts';
import { sendRawRequest } from './raw-request.ts';

const API_KEY = 'gw-key-0123456789abcdef';
const MODEL_HOST = 'models.test';
/** What each route stands for at the backend: the path a request it serves must stay under. */
const ROUTE_PATHS: Record<string, string> = {
  'team-a/hello-route': '/hello',
  'team-a/secure-route': '/secure',
  'team-a/chat': '/v1',
};

let gateway: GatewayUnderTest;
let backend: EchoBackend;
let sent = 0;

beforeAll(async () => {
  backend = await startEchoBackend('app');
  const service = { destinationService: 'app', destinationPort: backend.port };
  gateway = await startGatewayUnderTest({
    dnsNames: [serviceDNSName('app'), MODEL_HOST],
    models: [aiModel('llm', { endpoint: `http://${MODEL_HOST}:${backend.port}/v1` })],
    routes: [
      gatewayRoute('hello-route', { path: '/hello', ...service }),
      gatewayRoute('secure-route', {
        path: '/secure',
        authenticationRequired: true,
        apiKeySecretRef: { name: 'client-keys' },
        ...service,
      }),
      gatewayRoute('chat', { path: '/ai/chat', aiModelRef: { name: 'llm' } }),
    ],
  });
  await writeSecretVolume(join(gateway.apiKeysDirectory, 'client-keys'), { client: API_KEY });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  await backend?.close();
});

interface Outcome {
  status: number;
  /** The request target the backend received; absent when the request did not reach it. */
  received?: string;
}

/** Percent-escapes decoded to bytes, read as UTF-8, as nginx's $uri reaches the access log. */
function decodedPath(path: string): string {
  const bytes = path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * Sends `target` (latin1) and checks the invariant on what reached the backend: every reading of the path
 * it received lies under its route's path, and that path, decoded, is the one nginx chose the route on.
 */
async function probe(target: string, withKey = false): Promise<Outcome> {
  sent += 1;
  const id = `path-probe-${sent}`;
  const answer = await sendRawRequest(gateway.port, target, {
    'X-Request-ID': id,
    ...(withKey ? { 'X-API-Key': API_KEY } : {}),
  });
  const received = backend.requests.find((r) => r.headers['x-request-id'] === id)?.url;
  if (received === undefined) return { status: answer.status };
  const entry = (await gateway.nginx.accessLogEntries()).find((e) => e.requestId === id);
  const route = String(entry?.route);
  const routePath = ROUTE_PATHS[route];
  if (routePath === undefined) throw new Error(`${JSON.stringify(target)} reached the backend by ${route}`);
  const path = received.split('?')[0] ?? '';
  const astray = [...pathReadings(path)].filter((reading) => !liesUnder(routePath, reading));
  expect({ target, route, received, astray }).toEqual({ target, route, received, astray: [] });
  expect({ target, received, matched: entry?.path }).toEqual({
    target,
    received,
    matched: decodedPath(path),
  });
  return { status: answer.status, received };
}

// Requests without an API key and the answers measured; where a comment says so, nginx refuses the
// request itself, before the gateway's check.
const HOSTILE: [string, number][] = [
  ['/secure/data', 401],
  // The bypasses: chosen as /hello, read as /secure by the backend.
  ['/secure/..%2Fhello', 400],
  ['/hello/..;/secure/data', 400],
  // Escaped separators and dots, upper and lower case.
  ['/secure/..%2fhello', 400],
  ['/hello/..%2Fsecure/data', 400],
  ['/hello/%2e%2e/secure/data', 400],
  ['/hello/%2E%2E/secure/data', 400],
  ['/hello/.%2e/secure/data', 400],
  ['/hello/..%5Csecure/data', 400],
  ['/hello/..%5csecure/data', 400],
  ['/secure%2fdata', 400],
  // Double encoding.
  ['/hello/%252e%252e/secure/data', 400],
  ['/hello/..%252Fsecure/data', 400],
  ['/secure/..%252Fhello', 400],
  // Path parameters.
  ['/hello/..;jsessionid=0A1B/secure/data', 400],
  ['/hello;jsessionid=0A1B/../secure/data', 400],
  ['/secure;jsessionid=0A1B/data', 400],
  ['/hello/..%3Bx/secure/data', 400],
  // Backslashes.
  ['/hello/..\\secure/data', 400],
  ['/hello\\..\\secure\\data', 400],
  // Overlong UTF-8 for "." and "/", escaped and raw.
  ['/hello/%C0%AE%C0%AE/secure/data', 400],
  ['/hello/..%c0%afsecure/data', 400],
  ['/hello/%E0%80%AE%E0%80%AE/secure/data', 400],
  ['/hello/%F0%80%80%AE%F0%80%80%AE/secure/data', 400],
  ['/hello/\xC0\xAE\xC0\xAE/secure/data', 400],
  // Merged slashes and dot segments.
  ['//secure/data', 400],
  ['/hello//secure/data', 400],
  ['/hello//../secure/data', 400],
  ['/hello/./../secure/data', 400],
  ['/hello/..', 400],
  ['/hello/.', 400],
  ['/hello/..?x=1', 400],
  ['/secure/data/.', 400],
  // Trailing dots: not a dot segment, and no route's path.
  ['/secure./data', 404],
  ['/secure%2e/data', 400],
  ['/hello/..%2e', 400],
  // The fragment nginx cuts off but passes on.
  ['/hello#/../secure/data', 400],
  ['/hello#/secure/data', 400],
  // Escaped, "?" and "#" end the path for a server that decodes before it parses.
  ['/hello/..%3F/secure/data', 400],
  ['/secure%23/data', 400],
  // NUL, escaped and raw, an escape that is none, a path above the root: nginx refuses these itself.
  ['/hello/%00/../secure/data', 400],
  ['/hello\x00/../secure/data', 400],
  ['/hello/%u002e%u002e/secure/data', 400],
  ['/../secure/data', 400],
  ['/hello/../../secure/data', 400],
  // An absolute request target carries the same path.
  ['http://gateway.test/secure/..%2Fhello', 400],
  // Case is significant: no route's path.
  ['/SECURE/data', 404],
  // Through a model endpoint, whose path the gateway rewrites: nothing may leave the endpoint's path.
  ['/ai/chat/..%3B/admin', 400],
  ['/ai/chat/..;/admin', 400],
  ['/ai/chat/%2e%2e/%2e%2e/admin', 400],
  ['/ai/chat/..%2F..%2Fadmin', 400],
];

// Ordinary requests and the request target the backend must receive.
const ORDINARY: [string, boolean, string][] = [
  ['/hello', false, '/hello'],
  ['/hello/a%20b', false, '/hello/a%20b'],
  ['/hello/caf%C3%A9/%E6%97%A5%E6%9C%AC', false, '/hello/caf%C3%A9/%E6%97%A5%E6%9C%AC'],
  ['/hello/%41%7e', false, '/hello/%41%7e'],
  ['/hello/a.b/c..d/...', false, '/hello/a.b/c..d/...'],
  ["/hello/a+b,c=d:e@f!$&'()*", false, "/hello/a+b,c=d:e@f!$&'()*"],
  ['/hello/x?next=/secure/../a%2Fb;c#d', false, '/hello/x?next=/secure/../a%2Fb;c#d'],
  ['/secure/data', true, '/secure/data'],
  ['/secure/caf%C3%A9?x=%2F', true, '/secure/caf%C3%A9?x=%2F'],
  ['/ai/chat', false, '/v1'],
  ['/ai/chat/completions?stream=true', false, '/v1/completions?stream=true'],
  ['/ai/chat/a%20b/caf%C3%A9?x=%2F..', false, '/v1/a%20b/caf%C3%A9?x=%2F..'],
  ['/ai/chat/%41%40%3A%2B', false, '/v1/A@:+'],
];

describe('request paths through nginx', () => {
  it('refuses every hostile path, or answers it as the route it names, and none strays', async () => {
    const answers: [string, number][] = [];
    for (const [target] of HOSTILE) answers.push([target, (await probe(target)).status]);
    expect(answers).toEqual(HOSTILE);
  });

  it('answers a refused path itself, in JSON, before any route or API-key check', async () => {
    const before = backend.requests.length;
    const answer = await sendRawRequest(gateway.port, '/secure/..%2Fhello', { 'X-API-Key': API_KEY });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'BadRequest' });
    expect(backend.requests.length).toBe(before);
  });

  it('passes ordinary paths, escapes and query strings on unchanged, under a model endpoint too', async () => {
    const outcomes: [string, boolean, Outcome][] = [];
    for (const [target, withKey] of ORDINARY) outcomes.push([target, withKey, await probe(target, withKey)]);
    expect(outcomes).toEqual(
      ORDINARY.map(([target, withKey, received]) => [target, withKey, { status: 200, received }]),
    );
  });

  it('lets no generated path reach the backend under a path its route does not stand for', async () => {
    // Mostly what ordinary paths hold, so that many requests pass and the hostile pieces among them matter.
    const ordinary = fc.constantFrom(
      ...['hello', 'secure', 'ai', 'chat', 'v1', 'data', 'a b', 'é', '', '...', 'x.', '.x', '+', '?'],
      ...['%41', '%20', '%C3%A9', '%40', '%3A', '?x=../secure'],
    );
    const hostile = fc.constantFrom(
      ...['.', '..', '%2e', '%2E', '%2f', '%2F', '%5c', '%5C', '\\', ';', ';jsessionid=1', '%3b', '%3B'],
      ...['#', '%3F', '%23', '%25', '%252e', '%252F', '%c0%ae', '%C0%AF', '%e0%80%ae', '%00', '%', '%zz'],
    );
    const piece = fc.oneof({ arbitrary: ordinary, weight: 4 }, { arbitrary: hostile, weight: 1 });
    const segment = fc.array(piece, { minLength: 1, maxLength: 3 }).map((pieces) => pieces.join(''));
    const start = fc.constantFrom('/hello/', '/secure/', '/ai/chat/', '/', '//');
    const target = fc
      .tuple(start, fc.array(segment, { maxLength: 5 }))
      .map(([prefix, segments]) =>
        `${prefix}${segments.join('/')}`.replace(/[^\x21-\x7e]/g, encodeURIComponent),
      );
    await fc.assert(
      fc.asyncProperty(target, fc.boolean(), async (path, withKey) => {
        await probe(path, withKey);
      }),
      { numRuns: 1000 },
    );
  });
});
