// The plain-HTTP side port of a process: /metrics for Prometheus, /healthz for liveness and /readyz for
// readiness. Kept apart from the serving port so probes and scrapes work whatever state TLS is in.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger.ts';
import { errorMessage } from '../util/error-message.ts';
import { ReadinessChecks, formatReadinessReport } from './readiness-checks.ts';
import { closeGracefully, listen } from './server-lifecycle.ts';
import type { ReadinessCheck } from './readiness-checks.ts';

export interface HealthServerOptions {
  registry: Registry;
  logger: Logger;
  /** Address to bind; 0.0.0.0 by default so kubelet probes and Prometheus reach it. */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** How long close() waits for open requests before cutting connections. */
  closeTimeoutMs?: number;
}

export interface HealthServer {
  readonly host: string;
  readonly port: number;
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  registry: Registry,
  readiness: ReadinessChecks,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, `method ${req.method} not allowed; use GET\n`);
    return;
  }
  switch (url.pathname) {
    case '/healthz':
    case '/livez':
      send(res, 200, 'ok\n');
      return;
    case '/readyz': {
      const report = readiness.evaluate();
      send(res, report.ok ? 200 : 503, formatReadinessReport(report, url.searchParams.has('verbose')));
      return;
    }
    case '/metrics':
      send(res, 200, await registry.metrics(), registry.contentType);
      return;
    default:
      send(res, 404, `${url.pathname} not found; try /healthz, /readyz, /metrics\n`);
  }
}

export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const readiness = new ReadinessChecks();
  const server: Server = createServer((req, res) => {
    handle(req, res, opts.registry, readiness).catch((err: unknown) => {
      opts.logger.error('health endpoint failed', { path: req.url, error: errorMessage(err) });
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  const address = await listen(server, opts.port, opts.host ?? '0.0.0.0');
  opts.logger.info('health and metrics server listening', { address: address.address, port: address.port });

  return {
    host: address.address,
    port: address.port,
    addReadinessCheck: (name, check) => readiness.add(name, check),
    close: () => closeGracefully(server, opts.closeTimeoutMs ?? 5000),
  };
}
