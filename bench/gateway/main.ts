// Gateway benchmark: one backend measured directly, through the rendered nginx configuration, and through
// a route that checks an API key, in the same run on loopback, so the ratios show what the gateway costs.
// Each concurrency level is a separate round: at 1 the difference in p50 is the latency the gateway adds
// to a request; at higher levels client, gateway and backend compete for the same cores, so the round
// shows throughput under saturation.
// Usage: node bench/gateway/main.ts [--duration 10] [--concurrency 1,16] [--warmup 1]
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
      concurrency: { type: 'string', default: '1,16' },
      warmup: { type: 'string', default: '1' },
    },
  });
  return {
    durationMs: positiveNumber('duration', values.duration) * 1000,
    concurrencies: values.concurrency
      .split(',')
      .map((level) => Math.round(positiveNumber('concurrency', level.trim()))),
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

interface Round {
  concurrency: number;
  direct: LoadSummary;
  gateway: LoadSummary;
  gatewayWithApiKey: LoadSummary;
}

function ratio(through: LoadSummary, direct: LoadSummary) {
  return {
    throughput: through.throughputPerSecond / direct.throughputPerSecond,
    p50: through.p50Ms / direct.p50Ms,
    p99: through.p99Ms / direct.p99Ms,
    addedP50Ms: through.p50Ms - direct.p50Ms,
  };
}

function printRound(round: Round, durationMs: number): void {
  console.log(`\nconcurrency ${round.concurrency}, ${durationMs / 1000} s per target, loopback`);
  console.log(
    [
      'target'.padEnd(16),
      'req/s'.padStart(9),
      'p50 ms'.padStart(8),
      'p99 ms'.padStart(8),
      'errors'.padStart(7),
    ].join(' '),
  );
  console.log(row('direct', round.direct));
  console.log(row('gateway', round.gateway));
  console.log(row('gateway+api-key', round.gatewayWithApiKey));
  for (const [name, summary] of [
    ['gateway', round.gateway],
    ['gateway+api-key', round.gatewayWithApiKey],
  ] as const) {
    const r = ratio(summary, round.direct);
    console.log(
      `${name} / direct: throughput x${r.throughput.toFixed(2)}, p50 x${r.p50.toFixed(2)} (+${r.addedP50Ms.toFixed(2)} ms), p99 x${r.p99.toFixed(2)}`,
    );
  }
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
    const rounds: Round[] = [];
    for (const concurrency of settings.concurrencies) {
      const load = (port: number, path: string, headers?: Record<string, string>) =>
        runLoad({
          port,
          path,
          concurrency,
          durationMs: settings.durationMs,
          warmupMs: settings.warmupMs,
          ...(headers ? { headers } : {}),
        });
      const round: Round = {
        concurrency,
        direct: await load(backend.port, '/bench/items/1'),
        gateway: await load(gateway.port, '/bench/items/1'),
        gatewayWithApiKey: await load(gateway.port, '/bench/keyed/1', { 'X-API-Key': API_KEY }),
      };
      printRound(round, settings.durationMs);
      rounds.push(round);
    }
    console.log(
      JSON.stringify({
        settings,
        rounds: rounds.map((round) => ({
          ...round,
          ratios: {
            gateway: ratio(round.gateway, round.direct),
            gatewayWithApiKey: ratio(round.gatewayWithApiKey, round.direct),
          },
        })),
      }),
    );
  } finally {
    await gateway.stop();
    await backend.close();
  }
}

await main();
