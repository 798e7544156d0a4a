import { afterEach, describe, expect, it } from '@jest/globals';
import { Counter } from 'prom-client';
import { silentLogger } from '../logging/logger.ts';
import { createMetricsRegistry } from './metrics-registry.ts';
import { startHealthServer } from './health-server.ts';
import type { HealthServer } from './health-server.ts';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<{ server: HealthServer; url: (p: string) => string }> {
  const registry = createMetricsRegistry({ processMetrics: false });
  new Counter({ name: 'test_things_total', help: 'things', registers: [registry] }).inc(3);
  server = await startHealthServer({ registry, logger: silentLogger, host: '127.0.0.1', port: 0 });
  const s = server;
  return { server: s, url: (p) => `http://127.0.0.1:${s.port}${p}` };
}

describe('health server', () => {
  it('answers /healthz and serves the registry on /metrics', async () => {
    const { url } = await start();
    const health = await fetch(url('/healthz'));
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');
    const metrics = await fetch(url('/metrics'));
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('test_things_total 3');
  });

  it('is ready with no checks, and 503 with the failing checks named', async () => {
    const { server: s, url } = await start();
    expect((await fetch(url('/readyz'))).status).toBe(200);
    let certLoaded = false;
    s.addReadinessCheck('serving-certificate', () =>
      certLoaded ? true : { ok: false, reason: 'no certificate loaded' },
    );
    s.addReadinessCheck('informers', () => true);
    const failing = await fetch(url('/readyz'));
    expect(failing.status).toBe(503);
    const body = await failing.text();
    expect(body).toContain('[-]serving-certificate failed: no certificate loaded');
    expect(body).not.toContain('informers');
    certLoaded = true;
    const ok = await fetch(url('/readyz'));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('ok\n');
    const verbose = await (await fetch(url('/readyz?verbose'))).text();
    expect(verbose).toBe('[+]serving-certificate ok\n[+]informers ok\nok\n');
  });

  it('treats a throwing check as not ready', async () => {
    const { server: s, url } = await start();
    s.addReadinessCheck('broken', () => {
      throw new Error('boom');
    });
    const res = await fetch(url('/readyz'));
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('[-]broken failed: check failed: boom');
  });

  it('rejects a second check with the same name', async () => {
    const { server: s } = await start();
    s.addReadinessCheck('x', () => true);
    expect(() => s.addReadinessCheck('x', () => true)).toThrow('readiness check "x" is already registered');
  });

  it('answers unknown paths with 404 and other methods with 405', async () => {
    const { url } = await start();
    expect((await fetch(url('/nope'))).status).toBe(404);
    expect((await fetch(url('/healthz'), { method: 'POST' })).status).toBe(405);
  });

  it('closes while a keep-alive connection is open', async () => {
    const { url } = await start();
    await fetch(url('/healthz'), { keepalive: true });
    const started = Date.now();
    await server?.close();
    server = undefined;
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
