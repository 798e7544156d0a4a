// Gateway benchmark: one backend measured directly, through the rendered nginx configuration, and through
// a route that checks an API key, in the same run on loopback, so the ratios show what the gateway costs.
// Usage: node bench/gateway/main.ts [--duration 10] [--concurrency 16] [--warmup 1]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend } from '../../test/nginx/echo-backend.ts';
import { serviceDnsName, startGatewayUnderTest } from '../../test/nginx/gateway-under-test.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
import type { LoadSummary } from './latency-stats.ts';
import { runLoad } from './load-generator.ts';

const API_KEY = 'bench-key-0123456789abcdef';

function positiveNumber(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new Error(`--${name}: invalid value ${JSON.stringify(value)}: must be a positive number`);
  }
  return number;
}

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '16' },
      warmup: { type: 'string', default: '1' },
    },
  });
  return {
    durationMs: positiveNumber('duration', values.duration) * 1000,
    concurrency: Math.round(positiveNumber('concurrency', values.concurrency)),
    warmupMs: positiveNumber('warmup', values.warmup) * 1000,
  };
}

/** A gateway with a few dozen routes, so that dispatch does the work it does in a real gateway. */
function benchRoutes(port: number) {
  const backend = { destinationService: 'bench', destinationPort: port };
  const neighbours = Array.from({ length: 30 }, (_, i) =>
    gatewayRoute(`neighbour-${i}`, {
      path: `/bench${i % 3 === 0 ? '' : `/items/${i}`}`,
      method: i % 2 === 0 ? 'POST' : 'PUT',
      ...(i % 5 === 0 ? { headers: [{ name: 'X-Tenant', value: `t${i}` }] } : {}),
      ...backend,
    }),
  );
  return [
    ...neighbours,
    gatewayRoute('items', { path: '/bench/items', method: 'GET', ...backend }),
    gatewayRoute('keyed', {
      path: '/bench/keyed',
      method: 'GET',
      authenticationRequired: true,
      apiKeySecretRef: { name: 'bench-keys' },
      ...backend,
    }),
  ];
}

function row(name: string, summary: LoadSummary): string {
  const cells = [
    name.padEnd(16),
    summary.throughputPerSecond.toFixed(0).padStart(9),
    summary.p50Ms.toFixed(2).padStart(8),
    summary.p99Ms.toFixed(2).padStart(8),
    String(summary.errors).padStart(7),
  ];
  return cells.join(' ');
}

async function main(): Promise<void> {
  const settings = options();
  const backend = await startEchoBackend('bench');
  const gateway = await startGatewayUnderTest({
    dnsNames: [serviceDnsName('bench')],
    routes: benchRoutes(backend.port),
  });
  try {
    await writeSecretVolume(join(gateway.apiKeysDirectory, 'bench-keys'), { bench: API_KEY });
    const load = (port: number, path: string, headers?: Record<string, string>) =>
      runLoad({
        port,
        path,
        concurrency: settings.concurrency,
        durationMs: settings.durationMs,
        warmupMs: settings.warmupMs,
        ...(headers ? { headers } : {}),
      });
    const direct = await load(backend.port, '/bench/items/1');
    const throughGateway = await load(gateway.port, '/bench/items/1');
    const withApiKey = await load(gateway.port, '/bench/keyed/1', { 'X-API-Key': API_KEY });
    const ratio = (through: LoadSummary) => ({
      throughput: through.throughputPerSecond / direct.throughputPerSecond,
      p50: through.p50Ms / direct.p50Ms,
      p99: through.p99Ms / direct.p99Ms,
    });
    console.log(`concurrency ${settings.concurrency}, ${settings.durationMs / 1000} s per target, loopback`);
    console.log(
      [
        'target'.padEnd(16),
        'req/s'.padStart(9),
        'p50 ms'.padStart(8),
        'p99 ms'.padStart(8),
        'errors'.padStart(7),
      ].join(' '),
    );
    console.log(row('direct', direct));
    console.log(row('gateway', throughGateway));
    console.log(row('gateway+api-key', withApiKey));
    for (const [name, summary] of [
      ['gateway', throughGateway],
      ['gateway+api-key', withApiKey],
    ] as const) {
      const r = ratio(summary);
      console.log(
        `${name} / direct: throughput x${r.throughput.toFixed(2)}, p50 x${r.p50.toFixed(2)}, p99 x${r.p99.toFixed(2)}`,
      );
    }
    console.log(
      JSON.stringify({
        settings,
        direct,
        gateway: throughGateway,
        gatewayWithApiKey: withApiKey,
        ratios: { gateway: ratio(throughGateway), gatewayWithApiKey: ratio(withApiKey) },
      }),
    );
  } finally {
    await gateway.stop();
    await backend.close();
  }
}

await main();
