// Rate limits enforced by a real nginx: rateLimit requests at once plus burst per client address, 429
// past them, refilled at rateLimit per second; counted before the API-key check.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend, type EchoBackend } from '../../test/nginx/echo-backend.ts';
import {
  serviceDNSName,
  startGatewayUnderTest,
  type GatewayUnderTest,
} from '../../test/nginx/gateway-under-test.ts';
import { waitFor } from '../setup/cluster-env.ts';

let gateway: GatewayUnderTest;
let backend: EchoBackend;

beforeAll(async () => {
  backend = await startEchoBackend('limited');
  const service = { destinationService: 'limited', destinationPort: backend.port };
  gateway = await startGatewayUnderTest({
    dnsNames: [serviceDNSName('limited')],
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
    const batchStarted = performance.now();
    expect(await statuses('/slow-lane', 8)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const limited = await gateway.request('/slow-lane');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(JSON.parse(limited.body)).toMatchObject({ error: 'TooManyRequests' });
    // Polled rather than slept through, so the request after the refill comes at once, before a
    // second one can refill on a slow machine (a refused request does not count against the limit).
    await waitFor(async () => (await gateway.request('/slow-lane')).status === 200, {
      description: 'the bucket to let one more request through',
      timeoutMs: 5_000,
      intervalMs: 50,
    });
    // One request per second: not before a second has passed since the first of the batch, nor long after.
    const refilledAfter = performance.now() - batchStarted;
    expect(refilledAfter).toBeGreaterThanOrEqual(950);
    expect(refilledAfter).toBeLessThan(3_000);
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
