// The webhook's start-up, against a bare Node HTTPS server's in the same run: from the process being
// spawned until it is ready (/readyz 200) and has answered its first AdmissionReview, for the webhook
// (`node webhook/main.ts`, serving from a cert dir, no cluster); until it listens (its own report) and
// has answered its first request, for the bare server (startup-bare-server.ts: node:https only). Each
// round starts both, one after the other, alternating which goes first; figures are medians, ratios the
// medians of the rounds' ratios. Each round also times what loading costs: `node webhook/main.ts --help`
// (every module imported, nothing started) against `node -e ''` (Node itself).
import { spawn } from 'node:child_process';
import { request } from 'node:https';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPorts } from '../../e2e/cluster/free-ports.ts';
import { median } from '../lib/statistics.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BARE_SERVER = fileURLToPath(new URL('./startup-bare-server.ts', import.meta.url));
/** How often a starting process is polled: the figures' resolution. */
const POLL_MS = 10;
const START_TIMEOUT_MS = 60_000;

export interface StartupOptions {
  rounds: number;
  /** A directory with tls.crt and tls.key, and the CA that signed them. */
  certDir: string;
  caPEM: string;
  /** The AdmissionReview sent to both (the bare server answers it with canned bytes). */
  admissionBody: Buffer;
  cannedAnswer: string;
  logLevel: string;
}

/** Milliseconds from spawn. */
interface WebhookStartup {
  /** `node webhook/main.ts --help` exits: every module imported, nothing started. */
  helpMs: number;
  /** /readyz answers 200. */
  readyMs: number;
  /** The first AdmissionReview answered 200. */
  firstAnswerMs: number;
}

interface BareStartup {
  /** `node -e ''` exits: Node's own start-up. */
  nodeMs: number;
  /** The server reports it is listening. */
  listeningMs: number;
  /** The first request answered 200. */
  firstAnswerMs: number;
}

export interface StartupRound {
  webhook: WebhookStartup;
  bare: BareStartup;
}

export interface StartupResult {
  webhook: WebhookStartup;
  bare: BareStartup;
  /** Medians of each round's webhook figure over the bare server's. */
  ratios: { readyToListening: number; firstAnswer: number };
  rounds: StartupRound[];
}

/** The status of one POST on a new TLS connection, or undefined when nothing answered. */
function post(port: number, path: string, body: Buffer, caPEM: string): Promise<number | undefined> {
  return new Promise((resolveStatus) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        ca: caPEM,
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
        timeout: 2000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolveStatus(res.statusCode));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveStatus(undefined));
    req.end(body);
  });
}

async function status(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

/** Calls `check` every POLL_MS until it is true; resolves with the milliseconds since `started`. */
async function pollUntil(
  started: number,
  check: () => Promise<boolean>,
  alive: () => boolean,
  what: string,
): Promise<number> {
  for (;;) {
    if (await check()) return performance.now() - started;
    if (!alive()) throw new Error(`${what}: the process exited`);
    if (performance.now() - started > START_TIMEOUT_MS) throw new Error(`${what}: timed out`);
    await sleep(POLL_MS);
  }
}

function stop(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
    child.once('exit', () => resolveExit());
    child.kill('SIGTERM');
  });
}

/** Milliseconds from spawning `node ...args` until it has exited. */
function timeNode(args: readonly string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: 'ignore' });
  return new Promise((resolveExit, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolveExit(performance.now() - started));
  });
}

async function webhookStartup(opts: StartupOptions): Promise<WebhookStartup> {
  const helpMs = await timeNode(['webhook/main.ts', '--help']);
  const ports = await freeLoopbackPorts(['serving', 'health'] as const);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      'webhook/main.ts',
      '--cert-mode=cert-dir',
      `--cert-dir=${opts.certDir}`,
      '--bind-address=127.0.0.1',
      `--port=${ports.serving}`,
      `--health-probe-bind-address=127.0.0.1:${ports.health}`,
      '--reference-checks=false',
      `--log-level=${opts.logLevel}`,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  try {
    const [readyMs, firstAnswerMs] = await Promise.all([
      pollUntil(
        started,
        async () => (await status(`http://127.0.0.1:${ports.health}/readyz`)) === 200,
        alive,
        'webhook /readyz',
      ),
      pollUntil(
        started,
        async () =>
          (await post(ports.serving, '/validate/apigatewayroutes', opts.admissionBody, opts.caPEM)) === 200,
        alive,
        'webhook AdmissionReview',
      ),
    ]);
    return { helpMs, readyMs, firstAnswerMs };
  } finally {
    await stop(child);
  }
}

async function bareStartup(opts: StartupOptions): Promise<BareStartup> {
  const nodeMs = await timeNode(['-e', '']);
  const started = performance.now();
  const child = spawn(process.execPath, [BARE_SERVER, opts.certDir, opts.cannedAnswer], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  try {
    const line = await new Promise<string>((resolveLine, reject) => {
      createInterface({ input: child.stdout }).once('line', resolveLine);
      child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    });
    const listeningMs = performance.now() - started;
    const { port } = JSON.parse(line) as { port: number };
    const firstAnswerMs = await pollUntil(
      started,
      async () => (await post(port, '/validate/apigatewayroutes', opts.admissionBody, opts.caPEM)) === 200,
      alive,
      'bare server request',
    );
    return { nodeMs, listeningMs, firstAnswerMs };
  } finally {
    await stop(child);
  }
}

export function startupResult(rounds: readonly StartupRound[]): StartupResult {
  const of = (pick: (r: StartupRound) => number) => median(rounds.map(pick));
  return {
    webhook: {
      helpMs: of((r) => r.webhook.helpMs),
      readyMs: of((r) => r.webhook.readyMs),
      firstAnswerMs: of((r) => r.webhook.firstAnswerMs),
    },
    bare: {
      nodeMs: of((r) => r.bare.nodeMs),
      listeningMs: of((r) => r.bare.listeningMs),
      firstAnswerMs: of((r) => r.bare.firstAnswerMs),
    },
    ratios: {
      readyToListening: of((r) => r.webhook.readyMs / r.bare.listeningMs),
      firstAnswer: of((r) => r.webhook.firstAnswerMs / r.bare.firstAnswerMs),
    },
    rounds: [...rounds],
  };
}

export async function measureStartup(opts: StartupOptions): Promise<StartupResult> {
  const rounds: StartupRound[] = [];
  for (let i = 0; i < opts.rounds; i++) {
    // Alternating which goes first, so that neither always starts on the other's leftovers.
    if (i % 2 === 0) {
      const bare = await bareStartup(opts);
      rounds.push({ bare, webhook: await webhookStartup(opts) });
    } else {
      const webhook = await webhookStartup(opts);
      rounds.push({ webhook, bare: await bareStartup(opts) });
    }
  }
  return startupResult(rounds);
}

export function formatStartup(r: StartupResult): string {
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const perRound = (pick: (round: StartupRound) => number) =>
    r.rounds.map((round) => pick(round).toFixed(0)).join(', ');
  return (
    [
      `start-up from spawn, medians of ${r.rounds.length} rounds side by side: ` +
        `webhook ready (/readyz 200) ${ms(r.webhook.readyMs)}, bare server listening ${ms(r.bare.listeningMs)}, ` +
        `ratio ${r.ratios.readyToListening.toFixed(2)}x; ` +
        `first AdmissionReview answered ${ms(r.webhook.firstAnswerMs)} against ${ms(r.bare.firstAnswerMs)}, ` +
        `ratio ${r.ratios.firstAnswer.toFixed(2)}x; ` +
        `loading: webhook/main.ts --help ${ms(r.webhook.helpMs)}, node -e '' ${ms(r.bare.nodeMs)}`,
      `  per round (ms): webhook ready ${perRound((x) => x.webhook.readyMs)}; first answer ` +
        `${perRound((x) => x.webhook.firstAnswerMs)}; bare listening ${perRound((x) => x.bare.listeningMs)}; ` +
        `first answer ${perRound((x) => x.bare.firstAnswerMs)}`,
    ].join('\n') + '\n'
  );
}
