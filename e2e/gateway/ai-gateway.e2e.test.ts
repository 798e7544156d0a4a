// The AI gateway through a real nginx and njs, against OpenAI-compatible model servers on loopback: one
// endpoint that chooses the model by the body's "model", provider keys added from mounted Secrets (and
// read again on every request), fallbacks on failures, consumers with their own limits and model lists,
// and the tokens each answer reports counted in the access log and the gateway's metrics.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aiModel, gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import {
  STREAM_EVENT_GAP_MS,
  startFakeOpenAIBackend,
  type FakeOpenAIBackend,
} from '../../test/nginx/fake-openai-backend.ts';
import { startGatewayUnderTest, type GatewayUnderTest } from '../../test/nginx/gateway-under-test.ts';
import { sendRequest } from '../../test/nginx/http-request.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
import { waitFor } from '../setup/cluster-env.ts';

const HOST = 'llm.example.test';
const ALPHA_KEY = 'alpha-team-key-0123456789';
const BETA_KEY = 'beta-team-key-0123456789';
const PROVIDER_KEY = 'sk-provider-key-0001';

let gateway: GatewayUnderTest;
let primary: FakeOpenAIBackend;
let backup: FakeOpenAIBackend;
let azure: FakeOpenAIBackend;

beforeAll(async () => {
  primary = await startFakeOpenAIBackend('primary');
  backup = await startFakeOpenAIBackend('backup');
  azure = await startFakeOpenAIBackend('azure');
  const endpoint = (b: FakeOpenAIBackend) => `http://${HOST}:${b.port}/v1`;
  gateway = await startGatewayUnderTest({
    dnsNames: [HOST],
    models: [
      aiModel('gpt', {
        modelName: 'gpt-4o',
        modelProvider: 'OpenAI',
        endpoint: endpoint(primary),
        credentials: { secretKeyRef: { name: 'openai', key: 'api-key' } },
        fallbacks: [{ name: 'llama' }],
      }),
      aiModel('llama', {
        modelName: 'llama-3',
        providerModelName: 'meta/llama-3-8b',
        endpoint: endpoint(backup),
      }),
      aiModel('azure', {
        modelName: 'gpt-35',
        endpoint: endpoint(azure),
        credentials: { secretKeyRef: { name: 'azure', key: 'key' }, scheme: 'AzureAPIKey' },
      }),
    ],
    routes: [
      gatewayRoute('openai', {
        path: '/openai/v1',
        authenticationRequired: true,
        apiKeySecretRef: { name: 'team-keys' },
        aiModelRouting: { models: [{ name: 'gpt' }, { name: 'llama' }, { name: 'azure' }] },
        consumers: [
          {
            name: 'beta',
            rateLimit: 2,
            allowedModels: ['llama'],
            tokenBudget: { tokens: 40, windowSeconds: 3600 },
          },
        ],
      }),
      gatewayRoute('direct', { path: '/direct', aiModelRef: { name: 'azure' } }),
      gatewayRoute('impatient', {
        path: '/impatient/v1',
        method: 'POST',
        requestTimeoutSeconds: 1,
        aiModelRouting: { models: [{ name: 'gpt' }] },
      }),
    ],
  });
  await writeSecretVolume(join(gateway.apiKeysDirectory, 'team-keys'), { alpha: ALPHA_KEY, beta: BETA_KEY });
  await writeSecretVolume(join(gateway.credentialsDirectory, 'openai'), { 'api-key': PROVIDER_KEY });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  for (const backend of [primary, backup, azure]) await backend?.close();
});

beforeEach(() => {
  for (const backend of [primary, backup, azure]) backend.requests.length = 0;
});

function chat(model: string, key = ALPHA_KEY, extra: Record<string, unknown> = {}, requestID?: string) {
  return gateway.request('/openai/v1/chat/completions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
      ...(requestID ? { 'x-request-id': requestID } : {}),
    },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });
}

/** The access log line of a request, once nginx has written it (after the answer was sent). */
async function accessLogEntry(requestID: string): Promise<Record<string, string>> {
  return waitFor(
    async () =>
      (await readFile(gateway.workspace.accessLog, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, string>)
        .find((entry) => entry.requestId === requestID),
    { description: `the access log line of request ${requestID}`, timeoutMs: 10_000, intervalMs: 20 },
  );
}

describe('one OpenAI-compatible endpoint', () => {
  it('sends the request to the model the body names, with the provider key instead of the client key', async () => {
    const answer = await chat('gpt-4o');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      model: 'gpt-4o',
      choices: [{ message: { content: 'hello from primary' } }],
    });
    expect(answer.headers['x-ai-gateway-model']).toBe('gpt');
    expect(primary.requests).toHaveLength(1);
    const [request] = primary.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(request?.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(JSON.stringify(request?.headers)).not.toContain(ALPHA_KEY);
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ model: 'gpt-4o' });
  });

  it('asks the provider for its own name of the model', async () => {
    expect((await chat('llama-3')).status).toBe(200);
    expect(JSON.parse(backup.requests[0]?.body ?? '{}')).toMatchObject({
      model: 'meta/llama-3-8b',
      messages: [{ content: 'hi' }],
    });
  });

  it('sends a key in the header of its scheme and no client key at all', async () => {
    const answer = await gateway.request('/openai/v1/embeddings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALPHA_KEY },
      body: JSON.stringify({ model: 'gpt-35', input: 'hi' }),
    });
    // The Azure model's key Secret is not mounted: never sent without its key.
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'ServiceUnavailable' });
    expect(azure.requests).toHaveLength(0);
    await writeSecretVolume(join(gateway.credentialsDirectory, 'azure'), { key: 'azure-key-1' });
    const after = await gateway.request('/openai/v1/embeddings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALPHA_KEY },
      body: JSON.stringify({ model: 'gpt-35', input: 'hi' }),
    });
    expect(after.status).toBe(200);
    expect(azure.requests[0]).toMatchObject({ url: '/v1/embeddings' });
    expect(azure.requests[0]?.headers['api-key']).toBe('azure-key-1');
    expect(azure.requests[0]?.headers['x-api-key']).toBeUndefined();
    expect(azure.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('reads a rotated provider key on the next request, without a reload', async () => {
    await writeSecretVolume(join(gateway.credentialsDirectory, 'azure'), { key: 'azure-key-2' });
    const answer = await gateway.request('/direct/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer client-secret' },
      body: JSON.stringify({ model: 'gpt-35' }),
    });
    expect(answer.status).toBe(200);
    expect(azure.requests[0]?.headers['api-key']).toBe('azure-key-2');
    expect(azure.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('lists the models a caller may use in OpenAI format', async () => {
    const all = await gateway.request('/openai/v1/models', {
      headers: { authorization: `Bearer ${ALPHA_KEY}` },
    });
    expect(all.status).toBe(200);
    expect(JSON.parse(all.body)).toEqual({
      object: 'list',
      data: [
        { id: 'gpt-35', object: 'model', created: 0, owned_by: 'Custom' },
        { id: 'gpt-4o', object: 'model', created: 0, owned_by: 'OpenAI' },
        { id: 'llama-3', object: 'model', created: 0, owned_by: 'Custom' },
      ],
    });
    const beta = await gateway.request('/openai/v1/models', {
      headers: { authorization: `Bearer ${BETA_KEY}` },
    });
    expect(JSON.parse(beta.body).data.map((m: { id: string }) => m.id)).toEqual(['llama-3']);
  });

  it('answers an unknown model, a bad body and an unknown operation in OpenAI error format', async () => {
    const unknown = await chat('no-such-model');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({
      error: { type: 'invalid_request_error', code: 'model_not_found', param: 'model' },
    });
    const bad = await gateway.request('/openai/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${ALPHA_KEY}` },
      body: '{"model": ',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: { code: 'invalid_json' } });
    const proto = await chat('__proto__');
    expect(proto.status).toBe(404);
    const elsewhere = await gateway.request('/openai/v1/files', {
      headers: { authorization: `Bearer ${ALPHA_KEY}` },
    });
    expect(elsewhere.status).toBe(404);
    expect(JSON.parse(elsewhere.body)).toMatchObject({ error: { code: 'unknown_url' } });
    expect(primary.requests).toHaveLength(0);
  });

  it('refuses a request without a valid key before reading its body', async () => {
    const answer = await chat('gpt-4o', 'not-a-valid-key-at-all');
    expect(answer.status).toBe(401);
    expect(primary.requests).toHaveLength(0);
  });

  it('passes a streamed answer through as it comes', async () => {
    const started = Date.now();
    const arrivals: number[] = [];
    const text = await new Promise<string>((resolve, reject) => {
      let body = '';
      const request = sendRequestStream(
        gateway.port,
        '/openai/v1/chat/completions',
        JSON.stringify({ model: 'gpt-4o', stream: true, messages: [] }),
        (chunk) => {
          arrivals.push(Date.now() - started);
          body += chunk;
        },
      );
      request.then(() => resolve(body), reject);
    });
    expect(text).toContain('data: [DONE]');
    expect(text).toContain('"content":"Hel"');
    // The first event arrived well before the last: nothing held the stream back.
    expect(arrivals.length).toBeGreaterThan(1);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(2 * STREAM_EVENT_GAP_MS - 50);
  });
});

describe('fallbacks', () => {
  it.each([429, 500, 503])('goes to the next model after a %i and says which answered', async (status) => {
    primary.failNext(status);
    const answer = await chat('gpt-4o');
    expect(answer.status).toBe(200);
    expect(answer.headers['x-ai-gateway-model']).toBe('llama');
    expect(JSON.parse(answer.body)).toMatchObject({
      choices: [{ message: { content: 'hello from backup' } }],
    });
    expect(primary.requests).toHaveLength(1);
    // The fallback gets the body with its own model name, and no provider key of the first model.
    expect(JSON.parse(backup.requests[0]?.body ?? '{}')).toMatchObject({
      model: 'meta/llama-3-8b',
      messages: [{ content: 'hi' }],
    });
    expect(backup.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('goes to the next model when one does not answer in time', async () => {
    primary.hangNext();
    const answer = await gateway.request('/impatient/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-ai-gateway-model']).toBe('llama');
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
  });

  it('passes a client error of the model on, without trying the next', async () => {
    primary.failNext(400);
    const answer = await chat('gpt-4o');
    expect(answer.status).toBe(400);
    expect(backup.requests).toHaveLength(0);
  });

  it('answers the last failure when every model failed', async () => {
    primary.failNext(503);
    backup.failNext(502);
    const answer = await chat('gpt-4o');
    expect(answer.status).toBe(502);
    expect(answer.headers['x-ai-gateway-model']).toBe('llama');
  });
});

describe('consumers', () => {
  it('keeps a consumer to its models', async () => {
    const answer = await chat('gpt-4o', BETA_KEY);
    expect(answer.status).toBe(404);
    expect(primary.requests).toHaveLength(0);
  });

  it('limits a consumer to its rate, per second', async () => {
    // Three at once in one second: the third is over the limit of 2 (or, crossing a second, fewer).
    const statuses: number[] = [];
    const second = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++) statuses.push((await chat('llama-3', BETA_KEY)).status);
    if (Math.floor(Date.now() / 1000) === second) expect(statuses).toEqual([200, 200, 429]);
    else expect(statuses.filter((s) => s === 429).length).toBeLessThanOrEqual(1);
  });

  it('counts tokens per consumer and refuses once its budget is spent', async () => {
    // Budget 40 tokens per hour; each answer reports 18. Earlier tests spent some already.
    let status = 200;
    let answered = 0;
    for (let i = 0; i < 6 && status !== 429; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      status = (await chat('llama-3', BETA_KEY)).status;
      if (status === 200) answered += 1;
    }
    expect(status).toBe(429);
    expect(answered).toBeLessThanOrEqual(3);
  });
});

describe('token accounting', () => {
  it('writes consumer, model and the reported tokens into the access log', async () => {
    primary.usage = { prompt: 21, completion: 9 };
    try {
      expect((await chat('gpt-4o', ALPHA_KEY, {}, 'usage-in-the-log')).status).toBe(200);
    } finally {
      primary.usage = { prompt: 11, completion: 7 };
    }
    expect(await accessLogEntry('usage-in-the-log')).toMatchObject({
      route: 'team-a/openai',
      consumer: 'alpha',
      requestedModel: 'gpt-4o',
      model: 'gpt',
      promptTokens: '21',
      completionTokens: '9',
      totalTokens: '30',
      status: 200,
    });
  });

  it('counts requests and tokens per route, consumer and model on the metrics port', async () => {
    const metrics = async () => (await sendRequest(gateway.metricsPort, '/metrics')).body;
    const value = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
    const input =
      /gen_ai_client_token_usage_total\{route="team-a\/openai",consumer="alpha",gen_ai_request_model="gpt",gen_ai_token_type="input"\} (\d+)/;
    const requests =
      /gen_ai_gateway_requests_total\{route="team-a\/openai",consumer="alpha",gen_ai_request_model="gpt",code="200"\} (\d+)/;
    // Counted when the answer's last buffer passes, before the client has it all; waited for all the same.
    const counted = (since: string, tokens: number) =>
      waitFor(
        async () => {
          const text = await metrics();
          return value(text, input) - value(since, input) >= tokens && text;
        },
        { description: `${tokens} more input tokens counted`, timeoutMs: 10_000, intervalMs: 20 },
      );
    const before = await metrics();
    expect((await chat('gpt-4o')).status).toBe(200);
    const after = await counted(before, 11);
    expect(value(after, input) - value(before, input)).toBe(11);
    expect(value(after, requests) - value(before, requests)).toBe(1);
    expect(after).toContain('# TYPE gen_ai_client_token_usage_total counter');
    // The streamed answer's final event counted too.
    const streamed = await gateway.request('/openai/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALPHA_KEY}` },
      body: JSON.stringify({ model: 'gpt-4o', stream: true }),
    });
    expect(streamed.status).toBe(200);
    expect(value(await counted(after, 11), input) - value(after, input)).toBe(11);
  });

  it('serves no metrics on the routes port', async () => {
    expect((await gateway.request('/metrics')).status).toBe(404);
  });
});

/** A POST whose answer body is handed over chunk by chunk as it arrives. */
async function sendRequestStream(
  port: number,
  path: string,
  body: string,
  onChunk: (chunk: string) => void,
): Promise<void> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ALPHA_KEY}` },
        agent: false,
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', onChunk);
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
