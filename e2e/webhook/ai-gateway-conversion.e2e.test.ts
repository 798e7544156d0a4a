// The AI-gateway fields through the webhook as the API server uses it (the CRDs' own rules on them are
// checked in e2e/api): it warns of a model that names itself as a fallback, and objects with v1-only fields (AIModel
// credentials, providerModelName and fallbacks; APIGatewayRoute aiModelRouting and consumers) read as
// v1alpha1 carry those fields in the lossless annotation, so a v1alpha1 client that writes the object back
// keeps them.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { kubectl, waitFor } from '../setup/cluster-env.ts';
import { kubectlCapture } from './support/kubectl-capture.ts';
import { startWebhookUnderTest } from './support/webhook-under-test.ts';
import type { WebhookUnderTest } from './support/webhook-under-test.ts';

// Starting the webhook and waiting for the API server to trust it takes seconds, not milliseconds.
jest.setTimeout(180_000);

const suffix = randomBytes(3).toString('hex');
const namespace = `e2e-ai-gateway-${suffix}`;
let webhook: WebhookUnderTest | undefined;

const manifest = (obj: object) => JSON.stringify(obj);

interface Read {
  apiVersion: string;
  metadata: { annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

const CREDENTIALS = {
  secretKeyRef: { name: 'provider-keys', key: 'openai' },
  scheme: 'Header',
  headerName: 'X-Provider-Key',
};
const FALLBACKS = [{ name: 'claude' }, { name: 'llama' }];

const model = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'ai.example.com/v1',
  kind: 'AIModel',
  metadata: { name, namespace },
  spec: {
    modelName: `${name}-model`,
    modelProvider: 'OpenAI',
    modelVersion: '2024-08-06',
    modelType: 'LLM',
    endpoint: 'https://api.openai.com/v1',
    ...spec,
  },
});

const ROUTING = { models: [{ name: 'gpt' }, { name: 'claude' }] };
const CONSUMERS = [
  {
    name: 'team-a',
    rateLimit: 10,
    allowedModels: ['gpt'],
    tokenBudget: { tokens: 5000, windowSeconds: 3600 },
  },
];
const routingRoute = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'gateway.example.com/v1',
  kind: 'APIGatewayRoute',
  metadata: { name: 'chat', namespace },
  spec: {
    path: '/openai',
    method: 'ANY',
    aiModelRouting: ROUTING,
    authenticationRequired: true,
    apiKeySecretRef: { name: 'client-keys' },
    consumers: CONSUMERS,
    ...spec,
  },
});

async function get(resource: string, name: string): Promise<Read> {
  return JSON.parse(await kubectl(['get', resource, name, '-n', namespace, '-o', 'json'])) as Read;
}

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  webhook = await startWebhookUnderTest({ namespace, configurationPrefix: `e2e-ai-gateway-${suffix}` });
  // The API server picks the injected CA bundle up asynchronously, for admission and for conversion
  // apart: wait until a dry-run create of a v1alpha1 model (admitted, then converted to the stored v1)
  // goes through.
  let refusal = '';
  await waitFor(
    async () => {
      const r = await kubectlCapture(
        ['create', '--dry-run=server', '-f', '-'],
        manifest({
          apiVersion: 'ai.example.com/v1alpha1',
          kind: 'AIModel',
          metadata: { name: 'probe', namespace },
          spec: {
            modelName: 'probe',
            modelProvider: 'OpenAI',
            version: '1',
            endpoint: 'https://api.openai.com/v1',
          },
        }),
      );
      refusal = r.stderr;
      return r.code === 0;
    },
    {
      description: 'the API server to call the webhook successfully',
      timeoutMs: 60_000,
      intervalMs: 500,
    },
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; kubectl said: ${refusal}`, { cause: err });
  });
});

afterAll(async () => {
  await webhook?.stop();
  await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
});

describe('admission of the AI-gateway fields', () => {
  it('warns of a model that names itself as a fallback, and stores it', async () => {
    const r = await kubectlCapture(
      ['create', '--dry-run=server', '-f', '-'],
      manifest(model('selfish', { fallbacks: [{ name: 'selfish' }, { name: 'claude' }] })),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Warning: spec.fallbacks names the model itself; that entry is ignored');
  });
});

describe('conversion of the AI-gateway fields', () => {
  beforeAll(async () => {
    const v1Model = model('gpt', {
      credentials: CREDENTIALS,
      providerModelName: 'gpt-4o-2024-08-06',
      fallbacks: FALLBACKS,
    });
    await kubectl(['apply', '-f', '-'], { input: manifest(v1Model) });
    await kubectl(['apply', '-f', '-'], { input: manifest(routingRoute()) });
  });

  it('reads a v1 AIModel as v1alpha1 with its v1-only fields in the annotation, and keeps them when a v1alpha1 client writes it back', async () => {
    const old = await get('aimodels.v1alpha1.ai.example.com', 'gpt');
    expect(old.apiVersion).toBe('ai.example.com/v1alpha1');
    expect(old.spec).not.toHaveProperty('credentials');
    const kept = JSON.parse(old.metadata.annotations?.['ai.example.com/v1-fields'] ?? '{}') as {
      spec?: Record<string, unknown>;
    };
    expect(kept.spec).toMatchObject({
      credentials: CREDENTIALS,
      providerModelName: 'gpt-4o-2024-08-06',
      fallbacks: FALLBACKS,
    });

    // A v1alpha1 client changes what it knows of and writes the whole object back.
    const written = { ...old, metadata: { ...old.metadata, labels: { team: 'search' } } };
    await kubectl(['replace', '-f', '-'], { input: manifest(written) });
    const back = await get('aimodels.v1.ai.example.com', 'gpt');
    expect(back.metadata.labels).toEqual({ team: 'search' });
    expect(back.spec).toMatchObject({
      credentials: CREDENTIALS,
      providerModelName: 'gpt-4o-2024-08-06',
      fallbacks: FALLBACKS,
    });
    expect(back.metadata.annotations ?? {}).not.toHaveProperty(['ai.example.com/v1-fields']);
  });

  it('reads a v1 route with aiModelRouting and consumers as v1alpha1 with them in the annotation', async () => {
    const old = await get('apigatewayroutes.v1alpha1.gateway.example.com', 'chat');
    expect(old.apiVersion).toBe('gateway.example.com/v1alpha1');
    expect(old.spec).not.toHaveProperty('aiModelRouting');
    const kept = JSON.parse(old.metadata.annotations?.['gateway.example.com/v1-fields'] ?? '{}') as {
      spec?: Record<string, unknown>;
    };
    expect(kept.spec).toMatchObject({ aiModelRouting: ROUTING, consumers: CONSUMERS });
    const v1 = await get('apigatewayroutes.v1.gateway.example.com', 'chat');
    expect(v1.spec).toMatchObject({ aiModelRouting: ROUTING, consumers: CONSUMERS });
  });
});
