// Closed-loop load over HTTPS keep-alive: `concurrency` clients each send the next request when the last
// is answered, until `maxRequests` or `maxDurationMs`. Loopback only.
import { Agent, request } from 'node:https';
import { percentile } from '../lib/statistics.ts';

export interface LoadOptions {
  port: number;
  path: string;
  body: Buffer;
  caPEM: string;
  concurrency: number;
  maxRequests: number;
  maxDurationMs: number;
  /** Requests sent first and not measured (JIT, TLS sessions, lazy schema compilation). */
  warmup: number;
  /** CPU time of the server so far, in nanoseconds, read before and after the measured requests. */
  serverCPUNs?: () => number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  throughputPerSec: number;
  /** Server CPU time per measured request, when `serverCPUNs` was given. */
  serverCPUUsPerRequest?: number;
}

function once(agent: Agent, opts: LoadOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: opts.port,
        path: opts.path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': opts.body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      },
    );
    req.on('error', () => resolve(false));
    req.end(opts.body);
  });
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  // One kept-alive connection per client, opened during the warm-up by as many clients as measured.
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency, ca: opts.caPEM });
  try {
    let warm = 0;
    const warmClient = async () => {
      while (warm < opts.warmup) {
        warm++;
        await once(agent, opts);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, warmClient));
    const latencies: number[] = [];
    let errors = 0;
    let sent = 0;
    const cpuBefore = opts.serverCPUNs?.();
    const started = performance.now();
    const deadline = started + opts.maxDurationMs;
    const client = async () => {
      while (sent < opts.maxRequests && performance.now() < deadline) {
        sent++;
        const t = performance.now();
        const ok = await once(agent, opts);
        latencies.push(performance.now() - t);
        if (!ok) errors++;
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, client));
    const elapsedSec = (performance.now() - started) / 1000;
    const cpuAfter = opts.serverCPUNs?.();
    latencies.sort((a, b) => a - b);
    return {
      requests: latencies.length,
      errors,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      throughputPerSec: latencies.length / elapsedSec,
      ...(cpuBefore !== undefined && cpuAfter !== undefined && latencies.length > 0
        ? { serverCPUUsPerRequest: (cpuAfter - cpuBefore) / 1000 / latencies.length }
        : {}),
    };
  } finally {
    agent.destroy();
  }
}
