// Webhook benchmark: admission latency and throughput over TLS with keep-alive, and the conversion of a
// 1,000-object review, each against a bare Node HTTPS server answering the same bytes in the same run.
//   node bench/webhook/main.ts [--requests=N] [--duration=SECONDS] [--concurrency=N] [--log-level=warn]
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createCertificateAuthority, createServerCertificate } from '../../shared/tls/certificates.ts';
import { admissionReview } from '../../webhook/admission/admission-review.ts';
import { conversionReview, parseConversionReview } from '../../webhook/conversion/conversion-review.ts';
import { convertObjects } from '../../webhook/conversion/convert-objects.ts';
import { sharedDomain } from '../../webhook/domain/shared-domain.ts';
import { runLoad } from './load-generator.ts';
import type { LoadResult } from './load-generator.ts';
import { admissionReviewBody, conversionReviewBody } from './review-bodies.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    duration: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '16' },
    'conversion-requests': { type: 'string', default: '60' },
    'log-level': { type: 'string', default: 'warn' },
  },
});
const concurrency = Number(values.concurrency);
const maxRequests = Number(values.requests);
const maxDurationMs = Number(values.duration) * 1000;
const conversionRequests = Number(values['conversion-requests']);

const dir = mkdtempSync(join(tmpdir(), 'bench-webhook-'));
const ca = createCertificateAuthority({ commonName: 'bench-ca', validForMs: 3600_000 });
const serving = createServerCertificate(ca, {
  commonName: 'bench',
  validForMs: 3600_000,
  ipAddresses: ['127.0.0.1'],
});
writeFileSync(join(dir, 'tls.crt'), serving.certPem);
writeFileSync(join(dir, 'tls.key'), serving.keyPem);

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

async function startServer(mode: 'webhook' | 'bare'): Promise<{ child: ChildProcess; port: number }> {
  const script = new URL('./bench-server.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, mode, dir, cannedFile, values['log-level'] ?? 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

interface Row {
  scenario: string;
  webhook: LoadResult;
  bare: LoadResult;
}

async function scenario(
  name: string,
  path: string,
  body: Buffer,
  ports: { webhook: number; bare: number },
  load: { concurrency: number; maxRequests: number; warmup: number },
): Promise<Row> {
  const common = { path, body, caPem: ca.certPem, maxDurationMs, ...load };
  const bare = await runLoad({ ...common, port: ports.bare });
  const webhook = await runLoad({ ...common, port: ports.webhook });
  return { scenario: name, webhook, bare };
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

const servers = [await startServer('webhook'), await startServer('bare')];
try {
  const ports = { webhook: servers[0]?.port ?? 0, bare: servers[1]?.port ?? 0 };
  const admissionLoad = { concurrency, maxRequests, warmup: 500 };
  const rows = [
    await scenario(
      `validate (c=${concurrency})`,
      '/validate/apigatewayroutes',
      admissionBody,
      ports,
      admissionLoad,
    ),
    await scenario(
      `mutate (c=${concurrency})`,
      '/mutate/apigatewayroutes',
      admissionBody,
      ports,
      admissionLoad,
    ),
    await scenario('convert 1,000 objects (c=1)', '/convert', conversionBody, ports, {
      concurrency: 1,
      maxRequests: conversionRequests,
      warmup: 5,
    }),
  ];
  process.stdout.write(
    `scenario | webhook p50 ms | p99 ms | req/s | bare p50 ms | p99 ms | req/s | p50 ratio | p99 ratio | throughput ratio | errors\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      [
        r.scenario,
        fmt(r.webhook.p50Ms),
        fmt(r.webhook.p99Ms),
        fmt(r.webhook.throughputPerSec, 0),
        fmt(r.bare.p50Ms),
        fmt(r.bare.p99Ms),
        fmt(r.bare.throughputPerSec, 0),
        `${fmt(r.webhook.p50Ms / r.bare.p50Ms)}x`,
        `${fmt(r.webhook.p99Ms / r.bare.p99Ms)}x`,
        `${fmt(r.webhook.throughputPerSec / r.bare.throughputPerSec)}x`,
        `${r.webhook.errors}/${r.webhook.requests}`,
      ].join(' | ') + '\n',
    );
  }
  process.stdout.write(
    `${JSON.stringify({ concurrency, requestBytes: { admission: admissionBody.length, conversion: conversionBody.length }, rows })}\n`,
  );
} finally {
  for (const s of servers) s.child.kill();
  rmSync(dir, { recursive: true, force: true });
}
