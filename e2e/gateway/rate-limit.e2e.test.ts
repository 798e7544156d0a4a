// Rate limits enforced by a real nginx: rateLimit requests at once plus burst per client address, 429
// past them, refilled at rateLimit per second; counted before the API-key check.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend, type EchoBackend } from '../../test/nginx/echo-backend.ts';
import {
  serviceDnsName,
  startGatewayUnderTest,
  type GatewayUnderTest,
} from '../../test/nginx/gateway-under-test.ts';

let gateway: GatewayUnderTest;
let backend: EchoBackend;

beforeAll(async () => {
  backend = await startEchoBackend('limited');
  const service = { destinationService: 'limited', destinationPort: backend.port };
  gateway = await startGatewayUnderTest({
    dnsNames: [serviceDnsName('limited')],
    routes: [
      // One request per second refills slowly enough that a parallel batch always sees a full bucket.
      gatewayRoute('slow-lane', { path: '/slow-lane', rateLimit: 1, burst: 4, ...service }),
      gatewayRoute('per-client', { path: '/per-client', rateLimit: 1, ...service }),
      gatewayRoute('guarded', {
        path: '/guarded',
        rateLimit: 1,
        burst: 1,
        authenticationRequired: true,
        apiKeySecretRef: { name: 'none-yet' },
        ...service,
      }),
      gatewayRoute('open', { path: '/open', ...service }),
    ],
  });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  await backend?.close();
});

async function statuses(path: string, count: number, localAddress?: string): Promise<number[]> {
  const answers = await Promise.all(
    Array.from({ length: count }, () => gateway.request(path, localAddress ? { localAddress } : {})),
  );
  return answers.map((a) => a.status).sort();
}

describe('rate limits through nginx', () => {
  it('lets rateLimit + burst requests through at once and answers 429 past them, then refills', async () => {
    expect(await statuses('/slow-lane', 8)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const limited = await gateway.request('/slow-lane');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(JSON.parse(limited.body)).toMatchObject({ error: 'TooManyRequests' });
    await sleep(1100);
    expect((await gateway.request('/slow-lane')).status).toBe(200);
    expect((await gateway.request('/slow-lane')).status).toBe(429);
  }, 15_000);

  it('counts each client address on its own', async () => {
    expect(await statuses('/per-client', 3)).toEqual([200, 429, 429]);
    expect(await statuses('/per-client', 2, '127.0.0.2')).toEqual([200, 429]);
  });

  it('counts requests before checking their API key, so guessing keys is limited too', async () => {
    expect(await statuses('/guarded', 3)).toEqual([401, 401, 429]);
  });

  it('does not limit a route without rateLimit', async () => {
    expect(new Set(await statuses('/open', 30))).toEqual(new Set([200]));
  });
});
