import { afterEach, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { silentLogger } from '../logging/logger.ts';
import { startHealthServer } from './health-server.ts';
import type { HealthServer } from './health-server.ts';
import { withReadinessMetrics } from './readiness-metrics.ts';

describe('withReadinessMetrics', () => {
  let server: HealthServer | undefined;
  afterEach(async () => server?.close());

  it('exports each check as /readyz evaluates it, at every scrape', async () => {
    const registry = new Registry();
    server = withReadinessMetrics(
      await startHealthServer({ registry, logger: silentLogger, host: '127.0.0.1', port: 0 }),
      registry,
    );
    let synced = false;
    server.addReadinessCheck('informers', () => (synced ? true : { ok: false, reason: 'not synced' }));
    server.addReadinessCheck('broken', () => {
      throw new Error('boom');
    });
    const scrape = async () => (await fetch(`http://127.0.0.1:${server!.port}/metrics`)).text();
    const readyz = async () => (await fetch(`http://127.0.0.1:${server!.port}/readyz?verbose`)).text();

    expect(await scrape()).toContain('ai_gateway_operator_readiness_check{check="informers"} 0');
    expect(await readyz()).toContain('[-]informers failed');
    synced = true;
    const text = await scrape();
    expect(text).toContain('ai_gateway_operator_readiness_check{check="informers"} 1');
    expect(text).toContain('ai_gateway_operator_readiness_check{check="broken"} 0');
    expect(await readyz()).toContain('[+]informers ok');
  });
});
