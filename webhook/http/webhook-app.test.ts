import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { API_KINDS } from '../../shared/api/kinds.ts';
import { createLogger } from '../../shared/logging/logger.ts';
import { createMetricsRegistry } from '../../shared/observability/metrics-registry.ts';
import type { WebhookDomain } from '../domain/webhook-domain.ts';
import { createWebhookMetrics } from '../metrics/webhook-metrics.ts';
import { noReferenceChecks } from '../references/reference-checker.ts';
import { fakeDomain } from '../testdata/fake-domain.ts';
import { loadFixture, loadFixtureText } from '../testdata/load-fixture.ts';
import { createWebhookApp } from './webhook-app.ts';

const registry = createMetricsRegistry({ processMetrics: false });
const logStream = new PassThrough();
const logLines: string[] = [];
logStream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));

const throwingDomain: WebhookDomain = {
  ...fakeDomain,
  validateCreate: () => {
    throw new Error('rule table missing at /srv/app/rules.ts');
  },
};
const failingLogStream = new PassThrough();
const failingLogLines: string[] = [];
failingLogStream.on('data', (chunk: Buffer) =>
  failingLogLines.push(...chunk.toString().split('\n').filter(Boolean)),
);
let server: Server;
let base: string;
let useThrowingDomain = false;

beforeAll(async () => {
  const build = (domain: WebhookDomain) =>
    createWebhookApp({
      kinds: API_KINDS,
      domain,
      references: noReferenceChecks,
      metrics: createWebhookMetrics(registry),
      logger: createLogger({ component: 'webhook', stream: logStream }),
      maxBodyBytes: 64 * 1024,
    });
  const normal = build(fakeDomain);
  const failing = createWebhookApp({
    kinds: API_KINDS,
    domain: throwingDomain,
    references: noReferenceChecks,
    metrics: { requestStarted: () => () => undefined },
    logger: createLogger({ component: 'webhook', stream: failingLogStream }),
    maxBodyBytes: 64 * 1024,
  });
  server = createServer((req, res) => (useThrowingDomain ? failing : normal)(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Answer {
  apiVersion: string;
  kind: string;
  message: string;
  response: {
    uid: string;
    allowed: boolean;
    status: { message: string };
    result: { status: string };
    convertedObjects: unknown[];
  };
}

async function post(path: string, body: string, contentType = 'application/json') {
  const res = await fetch(base + path, { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, body: (await res.json()) as Answer };
}

describe('webhook app', () => {
  it('answers an AdmissionReview with a decision', async () => {
    const { status, body } = await post(
      '/validate/apigatewayroutes',
      loadFixtureText('admission-create-route-invalid-port.json'),
    );
    expect(status).toBe(200);
    expect(body.apiVersion).toBe('admission.k8s.io/v1');
    expect(body.kind).toBe('AdmissionReview');
    expect(body.response.uid).toBe('0b1a4c8e-0002-4d6f-8d3c-6f1b2a3c4d02');
    expect(body.response.allowed).toBe(false);
    expect(body.response.status.message).toContain('spec.destinationPort: Invalid value: 70000');
  });

  it('logs the decision with uid, kind, namespace/name and operation, and never the object', async () => {
    logLines.length = 0;
    await post('/validate/apigatewayroutes', loadFixtureText('admission-create-route-invalid-port.json'));
    const line = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.message === 'admission decided');
    expect(line).toMatchObject({
      component: 'webhook',
      uid: '0b1a4c8e-0002-4d6f-8d3c-6f1b2a3c4d02',
      kind: 'gateway.example.com/v1, Kind=APIGatewayRoute',
      namespace: 'default',
      name: 'orders',
      operation: 'CREATE',
      decision: 'denied',
      code: 422,
    });
    expect(logLines.join('\n')).not.toContain('last-applied-configuration');
  });

  it('answers mutations with a patch', async () => {
    const { body } = await post(
      '/mutate/apigatewayroutes',
      loadFixtureText('admission-create-route-valid.json'),
    );
    expect(body.response).toMatchObject({ allowed: true, patchType: 'JSONPatch' });
  });

  it('answers a review of the wrong kind with a review that says so', async () => {
    const { status, body } = await post(
      '/validate/aimodels',
      loadFixtureText('admission-create-route-valid.json'),
    );
    expect(status).toBe(200);
    expect(body.response).toMatchObject({ allowed: false, status: { code: 400, reason: 'BadRequest' } });
    expect(body.response.status.message).toContain('this endpoint handles AIModel.ai.example.com');
  });

  it('answers ConversionReviews', async () => {
    const { status, body } = await post('/convert', loadFixtureText('conversion-routes-mixed-to-v1.json'));
    expect(status).toBe(200);
    expect(body.kind).toBe('ConversionReview');
    expect(body.response.result.status).toBe('Success');
    expect(body.response.convertedObjects).toHaveLength(2);
  });

  it.each([
    ['a body that is not JSON', '{"apiVersion":', 400, 'request body: Invalid value: not JSON'],
    ['an empty body', '', 400, 'request body: Required value: must be a JSON review'],
    ['a JSON array', '[]', 400, 'body: Invalid value: must be a JSON object holding an AdmissionReview'],
    ['a JSON string', '"hello"', 400, 'not JSON'],
    [
      'the wrong apiVersion',
      JSON.stringify({
        ...loadFixture('admission-create-route-valid.json'),
        apiVersion: 'admission.k8s.io/v1beta1',
      }),
      400,
      'apiVersion/kind: Unsupported value: "admission.k8s.io/v1beta1"/"AdmissionReview"',
    ],
    [
      'a missing uid',
      JSON.stringify({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: { kind: {}, operation: 'CREATE' },
      }),
      400,
      'request.uid: Required value',
    ],
    ['a body over the limit', JSON.stringify({ pad: 'x'.repeat(70 * 1024) }), 413, 'request body: Too long'],
  ])('refuses %s with a 4xx Status', async (_what, body, code, message) => {
    const res = await post('/validate/apigatewayroutes', body);
    expect(res.status).toBe(code);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code });
    expect(res.body.message).toContain(message);
  });

  it('answers text beyond ASCII as UTF-8', async () => {
    const review = loadFixture('conversion-routes-mixed-to-v1.json') as {
      request: { objects: { metadata: { annotations?: Record<string, string> } }[] };
    };
    const note = 'Zürich → 東京 🚀';
    for (const o of review.request.objects) o.metadata.annotations = { note };
    const { status, body } = await post('/convert', JSON.stringify(review));
    expect(status).toBe(200);
    const converted = body.response.convertedObjects as {
      metadata: { annotations: Record<string, string> };
    }[];
    expect(converted.map((o) => o.metadata.annotations.note)).toEqual([note, note]);
  });

  it('reads a body sent with another content type as JSON', async () => {
    const { status } = await post(
      '/convert',
      loadFixtureText('conversion-routes-mixed-to-v1.json'),
      'text/plain',
    );
    expect(status).toBe(200);
  });

  it('answers unknown paths with 404 and GET with 405', async () => {
    const missing = await post('/validate/widgets', '{}');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('/validate/apigatewayroutes');
    const get = await fetch(`${base}/convert`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers a failing rule with a denial, not a dead process', async () => {
    useThrowingDomain = true;
    try {
      const { status, body } = await post(
        '/validate/apigatewayroutes',
        loadFixtureText('admission-create-route-valid.json'),
      );
      expect(status).toBe(200);
      const uid = '0b1a4c8e-0001-4d6f-8d3c-6f1b2a3c4d01';
      // What failed inside stays in the log; the caller learns only where to look.
      expect(body.response).toMatchObject({
        allowed: false,
        status: {
          code: 500,
          message: `validate APIGatewayRoute.gateway.example.com: internal error; the webhook's log has it under uid ${uid}`,
        },
      });
      const logged = failingLogLines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged).toContainEqual(
        expect.objectContaining({
          message: 'admission failed',
          uid,
          error: 'rule table missing at /srv/app/rules.ts',
        }),
      );
    } finally {
      useThrowingDomain = false;
    }
  });

  it('counts requests by webhook and code, and only for webhook paths', async () => {
    const metrics = await registry.metrics();
    expect(metrics).toMatch(
      /controller_runtime_webhook_requests_total\{webhook="\/convert",code="200"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /controller_runtime_webhook_requests_total\{webhook="\/validate\/apigatewayroutes",code="413"\} 1/,
    );
    expect(metrics).toMatch(
      /controller_runtime_webhook_latency_seconds_count\{webhook="\/mutate\/apigatewayroutes"\} 1/,
    );
    expect(metrics).toMatch(/controller_runtime_webhook_requests_in_flight\{webhook="\/convert"\} 0/);
    expect(metrics).not.toContain('widgets');
  });
});
