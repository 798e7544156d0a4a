// A closed-loop HTTP load generator: `concurrency` clients on kept-alive connections, each sending its
// next request when the previous one is answered, for a fixed time after a warm-up; optionally with the
// CPU time a process spent per measured request.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarizeLoad, type LoadSummary } from './latency-stats.ts';

export interface LoadOptions {
  port: number;
  path: string;
  /** GET when absent. */
  method?: string;
  headers?: Record<string, string>;
  /** Sent with each request, with its Content-Length. */
  body?: string;
  concurrency: number;
  durationMs: number;
  /** Requests in this leading time are sent but not measured (connections, caches, JIT). */
  warmupMs: number;
  /** CPU time (ns) of the server under test so far, read when the measured time starts and ends. */
  cpuTimeNs?: () => number;
}

function send(agent: Agent, options: LoadOptions, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: options.port, path: options.path, method: options.method, headers, agent },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const headers =
    options.body === undefined
      ? { ...options.headers }
      : { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) };
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  const client = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      const status = await send(agent, options, headers).catch(() => 0);
      const answered = performance.now();
      if (sent < measureFrom) continue;
      if (status === 200) latencies.push(answered - sent);
      else errors += 1;
    }
  };
  const cpuAtStart = sleep(options.warmupMs).then(() => options.cpuTimeNs?.());
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const cpuAtEnd = options.cpuTimeNs?.();
  agent.destroy();
  const summary = summarizeLoad(latencies, errors, options.durationMs);
  const cpuStart = await cpuAtStart;
  if (cpuStart === undefined || cpuAtEnd === undefined || summary.requests === 0) return summary;
  return { ...summary, cpuUsPerRequest: (cpuAtEnd - cpuStart) / 1000 / summary.requests };
}
