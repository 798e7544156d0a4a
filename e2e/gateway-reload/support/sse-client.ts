// Clients of a gateway under change: a server-sent-events stream read to its end, and a steady load of
// short requests, each counting what did not come back whole. A stream is cut when its connection ends or
// fails before the last event; a request fails on any error or an answer other than 200.
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StreamResult {
  status: number;
  /** `data:` lines received. */
  events: number;
  complete: boolean;
  error?: string;
  seconds: number;
}

/** Reads a stream of `events` events (the echo backend's `x-echo-stream`) from 127.0.0.1:`port`. */
export function readStream(port: number, path: string, events: number): Promise<StreamResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let received = 0;
    let status = 0;
    let text = '';
    const done = (error?: string) =>
      resolve({
        status,
        events: received,
        complete: error === undefined && status === 200 && received === events,
        ...(error === undefined ? {} : { error }),
        seconds: (Date.now() - started) / 1000,
      });
    const req = request(
      { host: '127.0.0.1', port, path, headers: { 'x-echo-stream': String(events) }, agent: false },
      (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          const lines = text.split('\n');
          text = lines.pop() ?? '';
          received += lines.filter((line) => line.startsWith('data: ')).length;
        });
        res.on('end', () =>
          done(received === events ? undefined : `ended after ${received} of ${events} events`),
        );
        res.on('error', (err) => done(err.message));
        res.on('aborted', () => done('aborted'));
      },
    );
    req.on('error', (err) => done(err.message));
    req.end();
  });
}

interface LoadResult {
  sent: number;
  failed: number;
  /** The first few failures, for the test's message. */
  failures: string[];
}

export interface SteadyLoad {
  stop(): Promise<LoadResult>;
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** `workers` loops each sending GET `path` one after the other, `pauseMs` apart, until stopped. */
export function startSteadyLoad(port: number, path: string, workers: number, pauseMs: number): SteadyLoad {
  const result: LoadResult = { sent: 0, failed: 0, failures: [] };
  let stopping = false;
  const loops = Array.from({ length: workers }, async () => {
    while (!stopping) {
      result.sent += 1;
      try {
        const status = await get(port, path);
        if (status !== 200) throw new Error(`HTTP ${status}`);
      } catch (err) {
        result.failed += 1;
        if (result.failures.length < 5)
          result.failures.push(`${new Date().toISOString()} ${(err as Error).message}`);
      }
      await sleep(pauseMs);
    }
  });
  return {
    async stop() {
      stopping = true;
      await Promise.all(loops);
      return result;
    },
  };
}
