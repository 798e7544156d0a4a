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
// The AI section (ai-section.ts) measures, in the same rounds, what model routing by the request body and
// token accounting cost against a plain route to the same model server.
// Usage: node bench/gateway/main.ts [--duration 3] [--concurrency 1,16] [--warmup 1] [--repeat 5]
//   [--sections proxy,ai]
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend } from '../../test/nginx/echo-backend.ts';
import { serviceDNSName, startGatewayUnderTest } from '../../test/nginx/gateway-under-test.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
import {
  AI_TARGETS,
  aiModels,
  checkAITargets,
  aiRequest,
  aiRoutes,
  MODEL_HOST,
  type AITarget,
} from './ai-section.ts';
import { startChatCompletionBackend } from './chat-completion-backend.ts';
import { startFloorProxy } from './floor-proxy.ts';
import { medianOfRuns, type LoadSummary } from './latency-stats.ts';
import { runLoad, type LoadOptions } from './load-generator.ts';
import { pairedRatio, type RunRatio } from './run-ratios.ts';
import { cpuTimeNs } from '../lib/process-cpu.ts';

const API_KEY = 'bench-key-0123456789abcdef';
const PROXY_TARGETS = ['direct', 'floor', 'gateway', 'gateway+api-key'] as const;
type ProxyTarget = (typeof PROXY_TARGETS)[number];
type Target = ProxyTarget | AITarget;
const SECTIONS = { proxy: PROXY_TARGETS, ai: AI_TARGETS } as const;
type Section = keyof typeof SECTIONS;
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
      sections: { type: 'string', default: 'proxy,ai' },
    },
  });
  const sections = values.sections.split(',').map((section) => section.trim());
  for (const section of sections) {
    if (!Object.hasOwn(SECTIONS, section)) {
      throw new Error(`--sections: unknown section ${JSON.stringify(section)}: proxy, ai or both`);
    }
  }
  return {
    durationMs: positiveNumber('duration', values.duration) * 1000,
    concurrencies: values.concurrency
      .split(',')
      .map((level) => Math.round(positiveNumber('concurrency', level.trim()))),
    warmupMs: positiveNumber('warmup', values.warmup) * 1000,
    repeat: Math.round(positiveNumber('repeat', values.repeat)),
    sections: [...new Set(sections as Section[])],
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
  /** Each measured target's runs, in the order they were made. */
  runs: Partial<Record<Target, LoadSummary[]>>;
  /** Each measured target's median run (see medianOfRuns). */
  results: Partial<Record<Target, LoadSummary>>;
}

/** The runs of a target the round measured. */
function runsOf(round: Round, target: Target): LoadSummary[] {
  const runs = round.runs[target];
  if (runs === undefined) throw new Error(`${target} was not measured`);
  return runs;
}

function ratioLine(name: string, base: string, r: RunRatio): string {
  const added = `${r.addedP50Ms >= 0 ? '+' : ''}${r.addedP50Ms.toFixed(3)} ms`;
  const cpu = r.cpuPerRequest === undefined ? '' : `, nginx CPU per request x${r.cpuPerRequest.toFixed(2)}`;
  return `${name} / ${base}: throughput x${r.throughput.toFixed(2)}, p50 x${r.p50.toFixed(2)} (${added}), p99 x${r.p99.toFixed(2)}${cpu}`;
}

/** Each section's ratios: the target, its base, and the name of the ratio in the JSON summary. */
const RATIOS: Record<Section, [Target, Target, string][]> = {
  proxy: [
    ['floor', 'direct', 'floorVsDirect'],
    ['gateway', 'floor', 'gatewayVsFloor'],
    ['gateway', 'direct', 'gatewayVsDirect'],
    ['gateway+api-key', 'floor', 'gatewayWithApiKeyVsFloor'],
    ['gateway+api-key', 'direct', 'gatewayWithApiKeyVsDirect'],
  ],
  ai: [
    ['ai-accounting', 'ai-plain', 'aiAccountingVsPlain'],
    ['ai-routing', 'ai-plain', 'aiRoutingVsPlain'],
    ['ai-routing', 'ai-accounting', 'aiRoutingVsAccounting'],
  ],
};

function roundRatios(round: Round, sections: readonly Section[]): Record<string, RunRatio> {
  return Object.fromEntries(
    sections.flatMap((section) =>
      RATIOS[section].map(([target, base, name]) => [
        name,
        pairedRatio(runsOf(round, target), runsOf(round, base)),
      ]),
    ),
  );
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
  for (const section of settings.sections) {
    for (const target of SECTIONS[section]) {
      const result = round.results[target];
      if (result) console.log(row(target, result));
    }
  }
  for (const section of settings.sections) {
    for (const [target, base] of RATIOS[section]) {
      console.log(ratioLine(target, base, pairedRatio(runsOf(round, target), runsOf(round, base))));
    }
  }
}

/** Whether the gateway meets its goals against the floor, for the levels this run measured. */
function goals(rounds: Round[]) {
  const at = (concurrency: number) => rounds.find((round) => round.concurrency === concurrency);
  const results: { goal: string; value: string; met: boolean }[] = [];
  const saturated = at(16);
  if (saturated?.runs.gateway) {
    const value = pairedRatio(runsOf(saturated, 'gateway'), runsOf(saturated, 'floor')).throughput;
    results.push({
      goal: `gateway throughput at concurrency 16 >= ${GOALS.throughputRatioAt16}x the floor`,
      value: `x${value.toFixed(2)}`,
      met: value >= GOALS.throughputRatioAt16,
    });
  }
  const single = at(1);
  if (single?.runs.gateway) {
    const value = pairedRatio(runsOf(single, 'gateway'), runsOf(single, 'floor')).addedP50Ms;
    results.push({
      goal: `gateway p50 at concurrency 1 <= the floor's + ${GOALS.addedP50MsAt1} ms`,
      value: `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms`,
      met: value <= GOALS.addedP50MsAt1,
    });
  }
  return results;
}

const loadAverage = () => loadavg().map((value) => Number(value.toFixed(2)));

/** What is sent to one target, and how its server's CPU time is read; the load itself is the run's. */
type TargetRequest = Pick<LoadOptions, 'port' | 'path' | 'method' | 'headers' | 'body' | 'cpuTimeNs'>;

/** The servers of the proxy section: the echo backend, the floor and the gateway with its routes. */
async function startProxySection(): Promise<{
  requests: Record<ProxyTarget, TargetRequest>;
  stop(): Promise<void>;
}> {
  const backend = await startEchoBackend('bench');
  const floor = await startFloorProxy(backend.port);
  const gateway = await startGatewayUnderTest({
    dnsNames: [serviceDNSName('bench')],
    routes: benchRoutes(backend.port),
  });
  const stop = async () => {
    await gateway.stop();
    await floor.stop();
    await backend.close();
  };
  try {
    await writeSecretVolume(join(gateway.apiKeysDirectory, 'bench-keys'), { bench: API_KEY });
  } catch (error) {
    await stop();
    throw error;
  }
  // The nginx workers' CPU time per request: what a request costs each proxy, however busy the machine.
  const floorCPU = () => cpuTimeNs(floor.workerPIDs());
  const gatewayCPU = () => cpuTimeNs(gateway.nginx.workerPIDs());
  return {
    requests: {
      direct: { port: backend.port, path: '/bench/items/1' },
      floor: { port: floor.port, path: '/bench/items/1', cpuTimeNs: floorCPU },
      gateway: { port: gateway.port, path: '/bench/items/1', cpuTimeNs: gatewayCPU },
      'gateway+api-key': {
        port: gateway.port,
        path: '/bench/keyed/1',
        headers: { 'X-API-Key': API_KEY },
        cpuTimeNs: gatewayCPU,
      },
    },
    stop,
  };
}

/** The servers of the AI section: the model server and a gateway with the three routes to it. */
async function startAISection(): Promise<{
  requests: Record<AITarget, TargetRequest>;
  stop(): Promise<void>;
}> {
  const backend = await startChatCompletionBackend();
  let gateway;
  try {
    gateway = await startGatewayUnderTest({
      dnsNames: [MODEL_HOST],
      models: aiModels(backend.port),
      routes: aiRoutes(backend.port),
    });
  } catch (error) {
    await backend.close();
    throw error;
  }
  try {
    await checkAITargets(gateway.port, gateway.metricsPort);
  } catch (error) {
    await gateway.stop();
    await backend.close();
    throw error;
  }
  const port = gateway.port;
  const cpu = () => cpuTimeNs(gateway.nginx.workerPIDs());
  const request = (target: AITarget): TargetRequest => ({ port, ...aiRequest(target), cpuTimeNs: cpu });
  return {
    requests: {
      'ai-plain': request('ai-plain'),
      'ai-accounting': request('ai-accounting'),
      'ai-routing': request('ai-routing'),
    },
    async stop() {
      await gateway.stop();
      await backend.close();
    },
  };
}

async function main(): Promise<void> {
  const settings = options();
  const loadBefore = loadAverage();
  const started: { stop(): Promise<void> }[] = [];
  try {
    const requests: Partial<Record<Target, TargetRequest>> = {};
    if (settings.sections.includes('proxy')) {
      const section = await startProxySection();
      started.push(section);
      Object.assign(requests, section.requests);
    }
    if (settings.sections.includes('ai')) {
      const section = await startAISection();
      started.push(section);
      Object.assign(requests, section.requests);
    }
    const targets: Target[] = settings.sections.flatMap((section) => [...SECTIONS[section]]);
    const rounds: Round[] = [];
    for (const concurrency of settings.concurrencies) {
      const runs: Partial<Record<Target, LoadSummary[]>> = {};
      for (let i = 0; i < settings.repeat; i++) {
        for (const target of targets) {
          const request = requests[target];
          if (request === undefined) throw new Error(`${target} has no server`);
          const run = await runLoad({
            ...request,
            concurrency,
            durationMs: settings.durationMs,
            warmupMs: settings.warmupMs,
          });
          (runs[target] ??= []).push(run);
        }
      }
      const round: Round = { concurrency, runs, results: {} };
      for (const target of targets) round.results[target] = medianOfRuns(runsOf(round, target));
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
          ratios: roundRatios(round, settings.sections),
        })),
        goals: checked,
      }),
    );
  } finally {
    for (const section of started.reverse()) await section.stop();
  }
}

await main();
