// A closed-loop HTTP load generator: `concurrency` clients on kept-alive connections, each sending its
// next request when the previous one is answered, for a fixed time after a warm-up.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarizeLoad, type LoadSummary } from './latency-stats.ts';

export interface LoadOptions {
  port: number;
  path: string;
  headers?: Record<string, string>;
  concurrency: number;
  durationMs: number;
  /** Requests in this leading time are sent but not measured (connections, caches, JIT). */
  warmupMs: number;
}

function send(agent: Agent, options: LoadOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: options.port, path: options.path, headers: options.headers, agent },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  const client = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      const status = await send(agent, options).catch(() => 0);
      const answered = performance.now();
      if (sent < measureFrom) continue;
      if (status === 200) latencies.push(answered - sent);
      else errors += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  agent.destroy();
  return summarizeLoad(latencies, errors, options.durationMs);
}
