// One server under test, in its own process so it does not share an event loop with the load: either the
// real webhook, or a bare Node HTTPS server that reads the body and answers canned bytes (the floor).
// Both serve with the same TLS settings (the webhook's TLS policy) and keep-alive timeout, so only the
// work done per request differs. Prints {"port": N} on standard output once listening; exits cleanly on
// SIGTERM, so that a CPU profile asked for with --cpu-prof is written.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { API_KINDS } from '../../shared/api/kinds.ts';
import { createLogger, parseLogLevel } from '../../shared/logging/logger.ts';
import { createMetricsRegistry } from '../../shared/observability/metrics-registry.ts';
import { sharedDomain } from '../../webhook/domain/shared-domain.ts';
import { createWebhookApp } from '../../webhook/http/webhook-app.ts';
import { DEFAULT_TIMEOUTS, startWebhookServer } from '../../webhook/http/webhook-server.ts';
import { createWebhookMetrics } from '../../webhook/metrics/webhook-metrics.ts';
import { noReferenceChecks } from '../../webhook/references/reference-checker.ts';
import { secureContextOptions } from '../../webhook/tls/serving-certificate.ts';

const [mode, certDir, cannedFile, logLevel = 'warn'] = process.argv.slice(2);
const pair = {
  certPEM: readFileSync(`${certDir}/tls.crt`, 'utf8'),
  keyPEM: readFileSync(`${certDir}/tls.key`, 'utf8'),
};

process.once('SIGTERM', () => process.exit(0));

if (mode === 'bare') {
  const canned = new Map<string, Buffer>(
    Object.entries(JSON.parse(readFileSync(cannedFile ?? '', 'utf8')) as Record<string, string>).map(
      ([p, b]) => [p, Buffer.from(b)],
    ),
  );
  const server = createServer(
    { ...secureContextOptions(pair), keepAliveTimeout: DEFAULT_TIMEOUTS.keepAliveMs },
    (req, res) => {
      req.resume();
      req.on('end', () => {
        const body = canned.get(req.url ?? '') ?? Buffer.from('{}');
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
        res.end(body);
      });
    },
  );
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
} else {
  const logger = createLogger({ component: 'webhook', level: parseLogLevel(logLevel) });
  const app = createWebhookApp({
    kinds: API_KINDS,
    domain: sharedDomain,
    references: noReferenceChecks,
    metrics: createWebhookMetrics(createMetricsRegistry()),
    logger,
    maxBodyBytes: 64 * 1024 * 1024,
  });
  const server = await startWebhookServer({ app, host: '127.0.0.1', port: 0, logger });
  server.loadCertificate(pair, certDir ?? '');
  process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
}
