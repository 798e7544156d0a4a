// Webhook benchmark: admission latency and throughput over TLS with keep-alive, and the conversion of a
// 1,000-object review, each against a bare Node HTTPS server answering the same bytes in the same run.
// Each scenario runs `--repeat` times on each server, side by side (bare, webhook, webhook, bare, ...), and
// each ratio is the median of the ratios of the runs made next to each other, so that load from other
// work, which drifts over a round, weighs on both sides alike.
//   node bench/webhook/main.ts [--repeat=N] [--requests=N] [--duration=SECONDS] [--concurrency=N]
//     [--conversion-requests=N] [--log-level=warn] [--cpu-prof=DIR] [--only=validate,mutate,convert,startup]
// --requests, --duration and --conversion-requests are per run. --cpu-prof=DIR runs both servers under
// `node --cpu-prof` and leaves their profiles in DIR (webhook-*.cpuprofile, bare-*.cpuprofile).
// startup: `--repeat` rounds of the webhook's start-up against a bare HTTPS server's (startup.ts).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createCertificateAuthority, createServerCertificate } from '../../shared/tls/certificates.ts';
import { admissionReview } from '../../webhook/admission/admission-review.ts';
import { conversionReview, parseConversionReview } from '../../webhook/conversion/conversion-review.ts';
import { convertObjects } from '../../webhook/conversion/convert-objects.ts';
import { sharedDomain } from '../../webhook/domain/shared-domain.ts';
import { median } from '../lib/statistics.ts';
import { runLoad } from './load-generator.ts';
import type { LoadResult } from './load-generator.ts';
import { processCPUNs } from '../lib/process-cpu.ts';
import { admissionReviewBody, conversionReviewBody } from './review-bodies.ts';
import { formatStartup, measureStartup } from './startup.ts';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '5' },
    requests: { type: 'string', default: '6000' },
    duration: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '16' },
    'conversion-requests': { type: 'string', default: '30' },
    'log-level': { type: 'string', default: 'warn' },
    'cpu-prof': { type: 'string' },
    only: { type: 'string', default: 'validate,mutate,convert,startup' },
  },
});
const repeat = Number(values.repeat);
const concurrency = Number(values.concurrency);
const maxRequests = Number(values.requests);
const maxDurationMs = Number(values.duration) * 1000;
const conversionRequests = Number(values['conversion-requests']);
const only = new Set((values.only ?? '').split(','));
const profileDir = values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']);

const dir = mkdtempSync(join(tmpdir(), 'bench-webhook-'));
const ca = createCertificateAuthority({ commonName: 'bench-ca', validForMs: 3600_000 });
const serving = createServerCertificate(ca, {
  commonName: 'bench',
  validForMs: 3600_000,
  ipAddresses: ['127.0.0.1'],
});
writeFileSync(join(dir, 'tls.crt'), serving.certPEM);
writeFileSync(join(dir, 'tls.key'), serving.keyPEM);

const admissionBody = Buffer.from(admissionReviewBody());
const conversionBody = Buffer.from(conversionReviewBody(1000));
// The bare server answers what the webhook answers, byte for byte in size, so only the work differs.
const admissionAnswer = JSON.stringify(
  admissionReview({ uid: '7f0f5d1c-8d2e-4c1b-9a7e-3c5b2d1e0f01', allowed: true }),
);
const conversionAnswer = JSON.stringify(
  conversionReview(
    convertObjects(parseConversionReview(JSON.parse(conversionBody.toString())), { domain: sharedDomain })
      .response,
  ),
);
const cannedFile = join(dir, 'canned.json');
writeFileSync(
  cannedFile,
  JSON.stringify({
    '/validate/apigatewayroutes': admissionAnswer,
    '/mutate/apigatewayroutes': admissionAnswer,
    '/convert': conversionAnswer,
  }),
);

type Mode = 'webhook' | 'bare';

async function startServer(mode: Mode): Promise<{ child: ChildProcess; port: number }> {
  const script = new URL('./bench-server.ts', import.meta.url).pathname;
  const nodeOptions: string[] = [];
  if (profileDir !== undefined) {
    mkdirSync(profileDir, { recursive: true });
    nodeOptions.push(
      '--cpu-prof',
      `--cpu-prof-dir=${profileDir}`,
      `--cpu-prof-name=${mode}-${Date.now()}.cpuprofile`,
    );
  }
  const child = spawn(
    process.execPath,
    [...nodeOptions, script, mode, dir, cannedFile, values['log-level'] ?? 'warn'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

/** The run whose p50 is the median of the runs (the lower middle one for an even count). */
function medianRun(runs: readonly LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.p50Ms - b.p50Ms);
  return sorted[Math.floor((sorted.length - 1) / 2)] as LoadResult;
}

interface Ratios {
  p50: number;
  p99: number;
  throughput: number;
  cpuPerRequest: number;
}

interface Row {
  scenario: string;
  webhook: LoadResult;
  bare: LoadResult;
  ratios: Ratios;
  runs: { webhook: LoadResult[]; bare: LoadResult[] };
}

interface Server {
  child: ChildProcess;
  port: number;
}

async function scenario(
  name: string,
  path: string,
  body: Buffer,
  servers: Record<Mode, Server>,
  load: { concurrency: number; maxRequests: number; warmup: number; serverWarmup: number },
): Promise<Row> {
  const run = (mode: Mode) => {
    const server = servers[mode];
    const pid = server.child.pid ?? 0;
    return runLoad({
      path,
      body,
      caPEM: ca.certPEM,
      maxDurationMs,
      ...load,
      port: server.port,
      serverCPUNs: () => processCPUNs(pid),
    });
  };
  const runs: Row['runs'] = { webhook: [], bare: [] };
  // Each server first answers the scenario's requests until its code is compiled as a long-running
  // webhook's would be; each run then warms up only its own connections.
  for (const mode of ['bare', 'webhook'] as const) {
    await runLoad({
      path,
      body,
      caPEM: ca.certPEM,
      maxDurationMs,
      concurrency: load.concurrency,
      maxRequests: load.serverWarmup,
      warmup: 0,
      port: servers[mode].port,
    });
  }
  for (let i = 0; i < repeat; i++) {
    // Alternating which goes first, so that neither side always follows the other's leftovers.
    const order: Mode[] = i % 2 === 0 ? ['bare', 'webhook'] : ['webhook', 'bare'];
    for (const mode of order) runs[mode].push(await run(mode));
  }
  const pairs = runs.webhook.map((w, i) => [w, runs.bare[i] as LoadResult] as const);
  const ratio = (f: (r: LoadResult) => number) => median(pairs.map(([w, b]) => f(w) / f(b)));
  return {
    scenario: name,
    webhook: medianRun(runs.webhook),
    bare: medianRun(runs.bare),
    ratios: {
      p50: ratio((r) => r.p50Ms),
      p99: ratio((r) => r.p99Ms),
      throughput: ratio((r) => r.throughputPerSec),
      cpuPerRequest: ratio((r) => r.serverCPUUsPerRequest ?? Number.NaN),
    },
    runs,
  };
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined ? '-' : n.toFixed(digits));

const loadBefore = loadavg()[0] ?? 0;
const started: Server[] = [];
try {
  started.push(await startServer('webhook'), await startServer('bare'));
  const servers = { webhook: started[0] as Server, bare: started[1] as Server };
  const admissionLoad = { concurrency, maxRequests, warmup: 200, serverWarmup: 5000 };
  const rows: Row[] = [];
  if (only.has('validate')) {
    rows.push(
      await scenario(
        `validate (c=${concurrency})`,
        '/validate/apigatewayroutes',
        admissionBody,
        servers,
        admissionLoad,
      ),
    );
  }
  if (only.has('mutate')) {
    rows.push(
      await scenario(
        `mutate (c=${concurrency})`,
        '/mutate/apigatewayroutes',
        admissionBody,
        servers,
        admissionLoad,
      ),
    );
  }
  if (only.has('convert')) {
    rows.push(
      await scenario('convert 1,000 objects (c=1)', '/convert', conversionBody, servers, {
        concurrency: 1,
        maxRequests: conversionRequests,
        warmup: 2,
        serverWarmup: 30,
      }),
    );
  }
  const startup = only.has('startup')
    ? await measureStartup({
        rounds: repeat,
        certDir: dir,
        caPEM: ca.certPEM,
        admissionBody,
        cannedAnswer: admissionAnswer,
        logLevel: values['log-level'] ?? 'warn',
      })
    : undefined;
  const loadAfter = loadavg()[0] ?? 0;
  process.stdout.write(
    `${repeat} runs per server and scenario, side by side; each server figure is its median run (by p50), ` +
      `each ratio the median of the ratios of paired runs. Load average ${fmt(loadBefore)} before, ` +
      `${fmt(loadAfter)} after.\n`,
  );
  process.stdout.write(
    `scenario | webhook p50 ms | p99 ms | req/s | µs CPU/req | bare p50 ms | p99 ms | req/s | µs CPU/req | ` +
      `p50 ratio | p99 ratio | throughput ratio | CPU/req ratio | errors\n`,
  );
  for (const r of rows) {
    const errors = r.runs.webhook.reduce((n, x) => n + x.errors, 0);
    const requests = r.runs.webhook.reduce((n, x) => n + x.requests, 0);
    const bareErrors = r.runs.bare.reduce((n, x) => n + x.errors, 0);
    process.stdout.write(
      [
        r.scenario,
        fmt(r.webhook.p50Ms),
        fmt(r.webhook.p99Ms),
        fmt(r.webhook.throughputPerSec, 0),
        fmt(r.webhook.serverCPUUsPerRequest, 0),
        fmt(r.bare.p50Ms),
        fmt(r.bare.p99Ms),
        fmt(r.bare.throughputPerSec, 0),
        fmt(r.bare.serverCPUUsPerRequest, 0),
        `${fmt(r.ratios.p50)}x`,
        `${fmt(r.ratios.p99)}x`,
        `${fmt(r.ratios.throughput)}x`,
        `${fmt(r.ratios.cpuPerRequest)}x`,
        `${errors}/${requests}${bareErrors > 0 ? ` (bare: ${bareErrors})` : ''}`,
      ].join(' | ') + '\n',
    );
  }
  if (startup) process.stdout.write(formatStartup(startup));
  process.stdout.write(
    `${JSON.stringify({
      concurrency,
      repeat,
      load: { before: loadBefore, after: loadAfter },
      requestBytes: { admission: admissionBody.length, conversion: conversionBody.length },
      rows,
      startup,
    })}\n`,
  );
} finally {
  await Promise.all(
    started.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.child.exitCode !== null) resolve();
          s.child.once('exit', () => resolve());
          s.child.kill('SIGTERM');
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}
