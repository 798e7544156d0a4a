// API keys checked by the gateway's njs module against a Secret volume: requests without a valid key are
// answered 401, and keys added to or removed from the Secret apply without reloading nginx.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend, type EchoBackend, type EchoedRequest } from '../../test/nginx/echo-backend.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
import {
  serviceDNSName,
  startGatewayUnderTest,
  type GatewayUnderTest,
} from '../../test/nginx/gateway-under-test.ts';

const FIRST_KEY = 'gw-key-0123456789abcdef';
const SECOND_KEY = 'gw-key-fedcba9876543210';

let gateway: GatewayUnderTest;
let backend: EchoBackend;
let secretDirectory: string;

beforeAll(async () => {
  backend = await startEchoBackend('private');
  const service = { destinationService: 'private', destinationPort: backend.port };
  gateway = await startGatewayUnderTest({
    dnsNames: [serviceDNSName('private')],
    routes: [
      gatewayRoute('private', {
        path: '/private',
        authenticationRequired: true,
        apiKeySecretRef: { name: 'client-keys' },
        ...service,
      }),
      gatewayRoute('no-secret', { path: '/locked', authenticationRequired: true, ...service }),
      gatewayRoute('public', { path: '/public', ...service }),
    ],
  });
  secretDirectory = join(gateway.apiKeysDirectory, 'client-keys');
  // A trailing newline, as `kubectl create secret --from-file` keeps it, is not part of the key.
  await writeSecretVolume(secretDirectory, { 'team-a': `${FIRST_KEY}\n` });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  await backend?.close();
});

async function status(path: string, headers: Record<string, string> = {}): Promise<number> {
  return (await gateway.request(path, { headers })).status;
}

describe('API keys through nginx', () => {
  it('answers 401 with a JSON body and WWW-Authenticate without a key or with a wrong one', async () => {
    const missing = await gateway.request('/private');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="gateway"');
    expect(missing.headers['content-type']).toBe('application/json');
    expect(JSON.parse(missing.body)).toMatchObject({ error: 'Unauthorized' });
    expect(await status('/private', { Authorization: 'Bearer wrong-key' })).toBe(401);
    expect(await status('/private', { 'X-API-Key': SECOND_KEY })).toBe(401);
    expect(await status('/private', { Authorization: `Basic ${FIRST_KEY}` })).toBe(401);
    expect(await status('/private', { 'X-API-Key': `${FIRST_KEY}x` })).toBe(401);
    expect(await status('/private', { 'X-API-Key': '../client-keys/team-a' })).toBe(401);
    expect(backend.requests).toHaveLength(0);
  });

  it('accepts a valid key as a bearer token or in X-API-Key, and keeps it from the backend', async () => {
    const bearer = await gateway.request('/private/data', {
      headers: { Authorization: `Bearer ${FIRST_KEY}` },
    });
    expect(bearer.status).toBe(200);
    const echoed = JSON.parse(bearer.body) as EchoedRequest;
    expect(echoed.url).toBe('/private/data');
    expect(echoed.headers.authorization).toBeUndefined();
    expect(await status('/private', { 'X-API-Key': FIRST_KEY })).toBe(200);
    expect(await status('/private', { authorization: `bearer ${FIRST_KEY}` })).toBe(200);
    expect(backend.requests.at(-1)?.headers['x-api-key']).toBeUndefined();
  });

  it('accepts a key added to the Secret and refuses a removed one, without a reload', async () => {
    const workers = gateway.nginx.workerPIDs();
    const config = gateway.rendered.config;
    await writeSecretVolume(secretDirectory, { 'team-a': FIRST_KEY, 'team-b': SECOND_KEY });
    expect(await status('/private', { 'X-API-Key': SECOND_KEY })).toBe(200);
    await writeSecretVolume(secretDirectory, { 'team-b': SECOND_KEY });
    expect(await status('/private', { 'X-API-Key': FIRST_KEY })).toBe(401);
    expect(await status('/private', { 'X-API-Key': SECOND_KEY })).toBe(200);
    expect(gateway.nginx.workerPIDs()).toEqual(workers);
    expect(gateway.rendered.config).toBe(config);
  });

  it('answers 401 to every request of a route that requires a key but names no Secret', async () => {
    expect(await status('/locked')).toBe(401);
    expect(await status('/locked', { 'X-API-Key': SECOND_KEY })).toBe(401);
  });

  it('passes Authorization through on routes without authentication', async () => {
    const answer = await gateway.request('/public', { headers: { Authorization: 'Bearer for-the-backend' } });
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as EchoedRequest).headers.authorization).toBe('Bearer for-the-backend');
  });
});
