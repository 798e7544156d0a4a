// Gateway benchmark: one backend measured directly, through a bare nginx proxying to it over kept-alive
// connections (the floor: the same build, one static upstream, see floor-proxy.ts), through the rendered
// gateway configuration, and through a route that checks an API key, in the same run on loopback, so the
// ratios show what the gateway costs beyond any nginx proxy and beyond none.
// Each concurrency level is a separate round: at 1 the difference in p50 is the latency a hop adds to a
// request; at higher levels client, proxy and backend compete for the same cores, so the round shows
// throughput under saturation. Each target runs `repeat` times, interleaved with the others; the table
// shows each target's median run, the ratios the median of the ratios of runs made side by side (see
// run-ratios.ts), so that a burst of other work on the machine does not decide a ratio; the nginx workers'
// CPU time per request is shown too, as the one figure other work hardly moves.
// Usage: node bench/gateway/main.ts [--duration 3] [--concurrency 1,16] [--warmup 1] [--repeat 5]
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend } from '../../test/nginx/echo-backend.ts';
import { serviceDnsName, startGatewayUnderTest } from '../../test/nginx/gateway-under-test.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
import { startFloorProxy } from './floor-proxy.ts';
import { medianOfRuns, type LoadSummary } from './latency-stats.ts';
import { runLoad } from './load-generator.ts';
import { pairedRatio, type RunRatio } from './run-ratios.ts';
import { cpuTimeNs } from './process-cpu.ts';

const API_KEY = 'bench-key-0123456789abcdef';
const TARGETS = ['direct', 'floor', 'gateway', 'gateway+api-key'] as const;
type Target = (typeof TARGETS)[number];
/** The goals the gateway is held to, against the floor. */
const GOALS = { throughputRatioAt16: 0.8, addedP50MsAt1: 0.1 };

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
      duration: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '1,16' },
      warmup: { type: 'string', default: '1' },
      repeat: { type: 'string', default: '5' },
    },
  });
  return {
    durationMs: positiveNumber('duration', values.duration) * 1000,
    concurrencies: values.concurrency
      .split(',')
      .map((level) => Math.round(positiveNumber('concurrency', level.trim()))),
    warmupMs: positiveNumber('warmup', values.warmup) * 1000,
    repeat: Math.round(positiveNumber('repeat', values.repeat)),
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
    summary.p50Ms.toFixed(3).padStart(8),
    summary.p99Ms.toFixed(3).padStart(8),
    String(summary.errors).padStart(7),
    (summary.cpuUsPerRequest === undefined ? '-' : summary.cpuUsPerRequest.toFixed(1)).padStart(13),
  ];
  return cells.join(' ');
}

interface Round {
  concurrency: number;
  /** Each target's runs, in the order they were made. */
  runs: Record<Target, LoadSummary[]>;
  /** Each target's median run (see medianOfRuns). */
  results: Record<Target, LoadSummary>;
}

function ratioLine(name: string, base: string, r: RunRatio): string {
  const added = `${r.addedP50Ms >= 0 ? '+' : ''}${r.addedP50Ms.toFixed(3)} ms`;
  const cpu = r.cpuPerRequest === undefined ? '' : `, nginx CPU per request x${r.cpuPerRequest.toFixed(2)}`;
  return `${name} / ${base}: throughput x${r.throughput.toFixed(2)}, p50 x${r.p50.toFixed(2)} (${added}), p99 x${r.p99.toFixed(2)}${cpu}`;
}

function roundRatios({ runs }: Round) {
  return {
    floorVsDirect: pairedRatio(runs.floor, runs.direct),
    gatewayVsFloor: pairedRatio(runs.gateway, runs.floor),
    gatewayVsDirect: pairedRatio(runs.gateway, runs.direct),
    gatewayWithApiKeyVsFloor: pairedRatio(runs['gateway+api-key'], runs.floor),
    gatewayWithApiKeyVsDirect: pairedRatio(runs['gateway+api-key'], runs.direct),
  };
}

function printRound(round: Round, settings: ReturnType<typeof options>): void {
  console.log(
    `\nconcurrency ${round.concurrency}, ${settings.repeat} runs of ${settings.durationMs / 1000} s per target, loopback: median runs, median ratios of side-by-side runs`,
  );
  console.log(
    [
      'target'.padEnd(16),
      'req/s'.padStart(9),
      'p50 ms'.padStart(8),
      'p99 ms'.padStart(8),
      'errors'.padStart(7),
      'nginx us/req'.padStart(13),
    ].join(' '),
  );
  for (const target of TARGETS) console.log(row(target, round.results[target]));
  const r = roundRatios(round);
  console.log(ratioLine('floor', 'direct', r.floorVsDirect));
  console.log(ratioLine('gateway', 'floor', r.gatewayVsFloor));
  console.log(ratioLine('gateway', 'direct', r.gatewayVsDirect));
  console.log(ratioLine('gateway+api-key', 'floor', r.gatewayWithApiKeyVsFloor));
  console.log(ratioLine('gateway+api-key', 'direct', r.gatewayWithApiKeyVsDirect));
}

/** Whether the gateway meets its goals against the floor, for the levels this run measured. */
function goals(rounds: Round[]) {
  const at = (concurrency: number) => rounds.find((round) => round.concurrency === concurrency);
  const results: { goal: string; value: string; met: boolean }[] = [];
  const saturated = at(16);
  if (saturated) {
    const value = pairedRatio(saturated.runs.gateway, saturated.runs.floor).throughput;
    results.push({
      goal: `gateway throughput at concurrency 16 >= ${GOALS.throughputRatioAt16}x the floor`,
      value: `x${value.toFixed(2)}`,
      met: value >= GOALS.throughputRatioAt16,
    });
  }
  const single = at(1);
  if (single) {
    const value = pairedRatio(single.runs.gateway, single.runs.floor).addedP50Ms;
    results.push({
      goal: `gateway p50 at concurrency 1 <= the floor's + ${GOALS.addedP50MsAt1} ms`,
      value: `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms`,
      met: value <= GOALS.addedP50MsAt1,
    });
  }
  return results;
}

const loadAverage = () => loadavg().map((value) => Number(value.toFixed(2)));

async function main(): Promise<void> {
  const settings = options();
  const loadBefore = loadAverage();
  const backend = await startEchoBackend('bench');
  const floor = await startFloorProxy(backend.port);
  const gateway = await startGatewayUnderTest({
    dnsNames: [serviceDnsName('bench')],
    routes: benchRoutes(backend.port),
  });
  try {
    await writeSecretVolume(join(gateway.apiKeysDirectory, 'bench-keys'), { bench: API_KEY });
    // The nginx workers' CPU time per request: what a request costs each proxy, however busy the machine.
    const floorCpu = () => cpuTimeNs(floor.workerPids());
    const gatewayCpu = () => cpuTimeNs(gateway.nginx.workerPids());
    const requests: Record<
      Target,
      { port: number; path: string; headers?: Record<string, string>; cpuTimeNs?: () => number }
    > = {
      direct: { port: backend.port, path: '/bench/items/1' },
      floor: { port: floor.port, path: '/bench/items/1', cpuTimeNs: floorCpu },
      gateway: { port: gateway.port, path: '/bench/items/1', cpuTimeNs: gatewayCpu },
      'gateway+api-key': {
        port: gateway.port,
        path: '/bench/keyed/1',
        headers: { 'X-API-Key': API_KEY },
        cpuTimeNs: gatewayCpu,
      },
    };
    const rounds: Round[] = [];
    for (const concurrency of settings.concurrencies) {
      const runs = Object.fromEntries(TARGETS.map((target) => [target, [] as LoadSummary[]])) as Record<
        Target,
        LoadSummary[]
      >;
      for (let i = 0; i < settings.repeat; i++) {
        for (const target of TARGETS) {
          runs[target].push(
            await runLoad({
              ...requests[target],
              concurrency,
              durationMs: settings.durationMs,
              warmupMs: settings.warmupMs,
            }),
          );
        }
      }
      const results = Object.fromEntries(
        TARGETS.map((target) => [target, medianOfRuns(runs[target])]),
      ) as Record<Target, LoadSummary>;
      const round = { concurrency, runs, results };
      printRound(round, settings);
      rounds.push(round);
    }
    const loadAfter = loadAverage();
    console.log(
      `\nload average (1, 5, 15 min): ${loadBefore.join(', ')} before, ${loadAfter.join(', ')} after`,
    );
    const checked = goals(rounds);
    for (const { goal, value, met } of checked) console.log(`${met ? 'met' : 'NOT met'}: ${goal}: ${value}`);
    console.log(
      JSON.stringify({
        settings,
        loadAverage: { before: loadBefore, after: loadAfter },
        rounds: rounds.map((round) => ({
          concurrency: round.concurrency,
          results: round.results,
          ratios: roundRatios(round),
        })),
        goals: checked,
      }),
    );
  } finally {
    await gateway.stop();
    await floor.stop();
    await backend.close();
  }
}

await main();
