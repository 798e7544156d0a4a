// The webhook as the API server uses it: refusals with the field message, warnings, defaults stored,
// conversion both ways and in lists, dry runs.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { kubectl, waitFor } from '../setup/cluster-env.ts';
import { kubectlCapture } from './support/kubectl-capture.ts';
import { startWebhookUnderTest } from './support/webhook-under-test.ts';
import type { WebhookUnderTest } from './support/webhook-under-test.ts';

// Starting the webhook and waiting for the API server to trust it takes seconds, not milliseconds.
jest.setTimeout(180_000);

const suffix = randomBytes(3).toString('hex');
const namespace = `e2e-webhook-${suffix}`;
let webhook: WebhookUnderTest | undefined;

const manifest = (obj: object) => JSON.stringify(obj);

const servedModel = (name: string, resources?: object) => ({
  apiVersion: 'ai.example.com/v1',
  kind: 'AIModel',
  metadata: { name, namespace },
  spec: {
    modelName: name,
    modelProvider: 'HuggingFace',
    modelType: 'LLM',
    image: 'registry.example.com/models/gemma:2b',
    ...(resources ? { resources } : {}),
  },
});

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  webhook = await startWebhookUnderTest({ namespace, configurationPrefix: `e2e-webhook-${suffix}` });
  // The API server picks the injected CA bundle up asynchronously, for admission and for conversion
  // apart: wait until a dry-run create of a v1alpha1 route (admitted, then converted to the stored v1)
  // goes through.
  await waitFor(
    async () => {
      const r = await kubectlCapture(
        ['create', '--dry-run=server', '-f', '-'],
        manifest({
          apiVersion: 'gateway.example.com/v1alpha1',
          kind: 'APIGatewayRoute',
          metadata: { name: 'probe', namespace },
          spec: { path: '/probe', targetService: 'probe:8080', authentication: false },
        }),
      );
      return r.code === 0;
    },
    { description: 'the API server to call the webhook successfully', timeoutMs: 60_000, intervalMs: 500 },
  );
});

afterAll(async () => {
  await webhook?.stop();
  await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
});

describe('admission', () => {
  it('rejects an invalid object with the field, the value and the rule', async () => {
    const r = await kubectlCapture(
      ['apply', '-f', '-'],
      manifest(servedModel('too-greedy', { requests: { cpu: '4' }, limits: { cpu: '2' } })),
    );
    expect(r.code).not.toBe(0);
    // The refusal carries the API server's Invalid status with causes, so kubectl prints it as its own.
    expect(r.stderr).toContain(
      'The AIModel "too-greedy" is invalid: spec.resources.requests[cpu]: Invalid value: "4": must be less than or equal to cpu limit of 2',
    );
    const stored = await kubectlCapture(['get', 'aimodel', 'too-greedy', '-n', namespace]);
    expect(stored.code).not.toBe(0);
  });

  it('rejects a change of an immutable field', async () => {
    await kubectl(['apply', '-f', '-'], { input: manifest(servedModel('stable')) });
    const changed = servedModel('stable');
    changed.spec.modelName = 'renamed';
    const r = await kubectlCapture(['apply', '-f', '-'], manifest(changed));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.modelName');
  });

  it('stores the defaults only the webhook knows', async () => {
    await kubectl(['apply', '-f', '-'], { input: manifest(servedModel('served')) });
    const stored = JSON.parse(await kubectl(['get', 'aimodel', 'served', '-n', namespace, '-o', 'json'])) as {
      spec: { replicas?: number; port?: number };
    };
    expect(stored.spec.replicas).toBe(1);
    expect(stored.spec.port).toBe(8080);
  });

  it('accepts a route to a Service that does not exist, with a warning', async () => {
    const r = await kubectlCapture(
      ['apply', '-f', '-'],
      manifest({
        apiVersion: 'gateway.example.com/v1',
        kind: 'APIGatewayRoute',
        metadata: { name: 'to-nowhere', namespace },
        spec: { path: '/nowhere', method: 'GET', destinationService: 'no-such-service', destinationPort: 80 },
      }),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Warning: spec.destinationService: Service "no-such-service" not found');
  });

  it('judges a server-side dry run like a real request and stores nothing', async () => {
    const bad = await kubectlCapture(
      ['apply', '--dry-run=server', '-f', '-'],
      manifest(servedModel('dry-bad', { requests: { memory: '8Gi' }, limits: { memory: '1Gi' } })),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.resources.requests[memory]');
    const good = await kubectlCapture(
      ['apply', '--dry-run=server', '-f', '-'],
      manifest(servedModel('dry-good')),
    );
    expect(good.code).toBe(0);
    expect((await kubectlCapture(['get', 'aimodel', 'dry-good', '-n', namespace])).code).not.toBe(0);
  });
});

describe('conversion', () => {
  beforeAll(async () => {
    await kubectl(['apply', '-f', '-'], {
      input: manifest({
        apiVersion: 'gateway.example.com/v1alpha1',
        kind: 'APIGatewayRoute',
        metadata: { name: 'legacy', namespace, labels: { made: 'v1alpha1' } },
        spec: {
          path: '/legacy',
          targetService: 'legacy:9090',
          authentication: false,
          rateLimit: { requestsPerMinute: 120 },
        },
      }),
    });
    await kubectl(['apply', '-f', '-'], {
      input: manifest({
        apiVersion: 'gateway.example.com/v1',
        kind: 'APIGatewayRoute',
        metadata: { name: 'modern', namespace, labels: { made: 'v1' } },
        spec: { path: '/modern', method: 'POST', destinationService: 'orders', destinationPort: 8080 },
      }),
    });
  });

  it('reads an object created as v1alpha1 as v1', async () => {
    const v1 = JSON.parse(
      await kubectl([
        'get',
        'apigatewayroutes.v1.gateway.example.com',
        'legacy',
        '-n',
        namespace,
        '-o',
        'json',
      ]),
    ) as { apiVersion: string; spec: Record<string, unknown> };
    expect(v1.apiVersion).toBe('gateway.example.com/v1');
    expect(v1.spec).toMatchObject({
      path: '/legacy',
      destinationService: 'legacy',
      destinationPort: 9090,
      rateLimit: 2,
    });
  });

  it('reads an object created as v1 as v1alpha1, and the v1alpha1 one back as it was sent', async () => {
    const modern = JSON.parse(
      await kubectl([
        'get',
        'apigatewayroutes.v1alpha1.gateway.example.com',
        'modern',
        '-n',
        namespace,
        '-o',
        'json',
      ]),
    ) as { apiVersion: string; spec: Record<string, unknown> };
    expect(modern.apiVersion).toBe('gateway.example.com/v1alpha1');
    expect(modern.spec).toMatchObject({ path: '/modern', targetService: 'orders:8080' });
    const legacy = JSON.parse(
      await kubectl([
        'get',
        'apigatewayroutes.v1alpha1.gateway.example.com',
        'legacy',
        '-n',
        namespace,
        '-o',
        'json',
      ]),
    ) as { spec: Record<string, unknown> };
    expect(legacy.spec).toEqual({
      path: '/legacy',
      targetService: 'legacy:9090',
      authentication: false,
      rateLimit: { requestsPerMinute: 120 },
    });
  });

  it('serves a list of objects created in both versions, in either version', async () => {
    for (const version of ['v1', 'v1alpha1']) {
      const list = JSON.parse(
        await kubectl([
          'get',
          `apigatewayroutes.${version}.gateway.example.com`,
          '-n',
          namespace,
          '-l',
          'made',
          '-o',
          'json',
        ]),
      ) as { items: { apiVersion: string; metadata: { name: string; labels: Record<string, string> } }[] };
      expect(list.items.map((i) => i.metadata.name).sort()).toEqual(['legacy', 'modern']);
      expect(new Set(list.items.map((i) => i.apiVersion))).toEqual(
        new Set([`gateway.example.com/${version}`]),
      );
      expect(list.items.find((i) => i.metadata.name === 'legacy')?.metadata.labels).toEqual({
        made: 'v1alpha1',
      });
    }
  });

  it('logged its decisions with the object names', () => {
    const decided = (webhook?.logLines() ?? []).filter((l) => l.message === 'admission decided');
    expect(
      decided.some((l) => l.name === 'too-greedy' && l.decision === 'denied' && l.namespace === namespace),
    ).toBe(true);
    expect(decided.some((l) => l.name === 'served' && l.decision === 'patched')).toBe(true);
  });
});
