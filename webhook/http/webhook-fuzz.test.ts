// Thousands of random and mutated bodies against the real HTTPS server with the real rules: every answer
// must be well formed (a review for the same uid, or a 4xx Status) and the server must keep serving.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { Agent, request } from 'node:https';
import { API_KINDS } from '../../shared/api/kinds.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { createMetricsRegistry } from '../../shared/observability/metrics-registry.ts';
import { createCertificateAuthority, createServerCertificate } from '../../shared/tls/certificates.ts';
import { sharedDomain } from '../domain/shared-domain.ts';
import { createWebhookMetrics } from '../metrics/webhook-metrics.ts';
import { noReferenceChecks } from '../references/reference-checker.ts';
import { loadFixture } from '../testdata/load-fixture.ts';
import { createWebhookApp } from './webhook-app.ts';
import { startWebhookServer } from './webhook-server.ts';
import type { WebhookServer } from './webhook-server.ts';

jest.setTimeout(300_000);

const ca = createCertificateAuthority({ commonName: 'fuzz-ca', validForMs: 3600_000 });
const pair = createServerCertificate(ca, {
  commonName: 'fuzz',
  validForMs: 3600_000,
  ipAddresses: ['127.0.0.1'],
});
const agent = new Agent({ keepAlive: true, maxSockets: 8, ca: ca.certPEM });
const MAX_BODY = 256 * 1024;
let server: WebhookServer;

beforeAll(async () => {
  const app = createWebhookApp({
    kinds: API_KINDS,
    domain: sharedDomain,
    references: noReferenceChecks,
    metrics: createWebhookMetrics(createMetricsRegistry({ processMetrics: false })),
    logger: silentLogger,
    maxBodyBytes: MAX_BODY,
  });
  server = await startWebhookServer({ app, host: '127.0.0.1', port: 0, logger: silentLogger });
  server.loadCertificate(pair, 'fuzz');
});
afterAll(async () => {
  agent.destroy();
  await server.close(100);
});

const PATHS = [
  '/validate/apigatewayroutes',
  '/validate/aimodels',
  '/mutate/apigatewayroutes',
  '/mutate/aimodels',
  '/convert',
];
const FIXTURES = [
  'admission-create-route-valid.json',
  'admission-create-route-invalid-port.json',
  'admission-create-route-v1alpha1.json',
  'admission-update-model-rename.json',
  'admission-delete-route.json',
  'conversion-routes-mixed-to-v1.json',
  'conversion-routes-unknown-version.json',
].map((name) => loadFixture(name));

function post(path: string, body: Buffer | string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Every place in a JSON document, as a list of keys. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(value.flatMap((v, i) => paths(v, [...prefix, i])));
  if (typeof value === 'object' && value !== null) {
    return here.concat(Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k])));
  }
  return here;
}

type Edit = [number, 'set' | 'delete', unknown];

function mutate(doc: unknown, edits: Edit[]): unknown {
  let root = structuredClone(doc);
  for (const [pick, action, value] of edits) {
    const all = paths(root);
    const target = all[pick % all.length] ?? [];
    if (target.length === 0) {
      root = action === 'set' ? value : {};
      continue;
    }
    const parent = target
      .slice(0, -1)
      .reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
    const key = target[target.length - 1] as string | number;
    const container = parent as Record<string | number, unknown>;
    if (action === 'delete') {
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key];
    } else container[key] = value;
  }
  return root;
}

function uidOf(body: unknown): unknown {
  const request = (body as { request?: { uid?: unknown } } | null)?.request;
  return typeof request === 'object' && request !== null ? request.uid : undefined;
}

/** The contract: a review answering the same uid, or a 4xx metav1.Status with a message. */
function checkAnswer(path: string, sent: unknown, answer: { status: number; text: string }): void {
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  if (!PATHS.includes(path)) {
    expect(answer.status).toBe(404);
  }
  if (answer.status === 200) {
    const response = body.response as Record<string, unknown>;
    expect(response.uid).toBe(uidOf(sent));
    if (path === '/convert') {
      expect(body.kind).toBe('ConversionReview');
      const result = response.result as { status: string; message?: string };
      expect(['Success', 'Failure']).toContain(result.status);
      if (result.status === 'Failure') expect(typeof result.message).toBe('string');
      else
        expect((response.convertedObjects as unknown[]).length).toBe(
          (sent as { request: { objects: unknown[] } }).request.objects.length,
        );
    } else {
      expect(body.kind).toBe('AdmissionReview');
      expect(typeof response.allowed).toBe('boolean');
      if (!response.allowed) expect(typeof (response.status as { message: unknown }).message).toBe('string');
      if (response.patch !== undefined)
        expect(() => JSON.parse(Buffer.from(String(response.patch), 'base64').toString())).not.toThrow();
    }
    return;
  }
  expect([400, 404, 413]).toContain(answer.status);
  expect(body).toMatchObject({ kind: 'Status', status: 'Failure', code: answer.status });
  expect((body.message as string).length).toBeGreaterThan(0);
}

const edit = fc.tuple(
  fc.nat(),
  fc.constantFrom<'set' | 'delete'>('set', 'delete'),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('webhook under random input', () => {
  it('answers mutated reviews well on every path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXTURES),
        fc.array(edit, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...PATHS),
        async (fixture, edits, path) => {
          const sent = mutate(fixture, edits);
          checkAnswer(path, sent, await post(path, JSON.stringify(sent)));
        },
      ),
      { numRuns: 2500 },
    );
  });

  it('answers arbitrary JSON and arbitrary bytes, on known and unknown paths', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
          fc.string(),
          fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
        ),
        fc.oneof(
          fc.constantFrom(...PATHS),
          fc.webPath().map((p) => `/${p.replace(/^\/+/, '')}`),
        ),
        async (body, path) => {
          const answer = await post(path, body);
          let parsed: unknown;
          try {
            parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
          } catch {
            parsed = undefined;
          }
          checkAnswer(path, parsed, answer);
        },
      ),
      { numRuns: 2500 },
    );
  });

  it('still answers a valid review afterwards, and refuses a body over the limit', async () => {
    const ok = await post('/validate/apigatewayroutes', JSON.stringify(FIXTURES[0]));
    expect(ok.status).toBe(200);
    const big = await post('/convert', JSON.stringify({ pad: 'x'.repeat(MAX_BODY + 1) }));
    expect(big.status).toBe(413);
  });
});
