// The AI gateway through the local nginx: a chat completion to the sample route's OpenAI-compatible
// endpoint, answered by the model the body names with the provider key the model server received (and the
// client's key it did not); the same request while that model fails, answered by its fallback; and the
// gateway's token counters before and after, from its metrics port. Each step is checked: an answer other
// than the samples call for fails the demo.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ANSWERED_BY_HEADER } from '../../shared/gateway/ai-locations.ts';
import { sendRequest } from '../../test/nginx/http-request.ts';
import type { HTTPAnswer } from '../../test/nginx/http-request.ts';
import type { DemoOutput } from './demo-output.ts';
import {
  AI_ROUTE,
  AI_ROUTE_PATH,
  FALLBACK_MODEL,
  PRIMARY_MODEL,
  PROVIDER_KEY_SECRET,
  SAMPLES_NAMESPACE,
} from './demo-settings.ts';
import { API_KEY_NAME } from './read-api-key.ts';
import type { LocalGateway } from './local-gateway.ts';
import type { ModelServer } from './model-server.ts';

export interface AIGatewayDemo {
  gateway: Pick<LocalGateway, 'port' | 'metricsPort' | 'workspace'>;
  primary: ModelServer;
  fallback: ModelServer;
  /** The client's key: a value of the route's API-key Secret, whose data key names the consumer. */
  apiKey: string;
  /** The provider key of the primary model's Secret. */
  providerKey: string;
  out: DemoOutput;
}

class AIGatewayAnswerError extends Error {
  readonly failures: readonly string[];
  constructor(failures: readonly string[]) {
    super(`the AI gateway answered otherwise than the samples say:\n${failures.join('\n')}`);
    this.name = 'AIGatewayAnswerError';
    this.failures = failures;
  }
}

const ROUTE_LABEL = `${SAMPLES_NAMESPACE}/${AI_ROUTE}`;
const ANSWERED_BY = ANSWERED_BY_HEADER.toLowerCase();
/** How long the counters and the access log may take to show an answer already received. */
const ACCOUNTING_TIMEOUT_MS = 10_000;

const chatBody = JSON.stringify({
  model: PRIMARY_MODEL.modelName,
  messages: [{ role: 'user', content: 'Say hello' }],
});

function chatCommand(port: number, apiKey: string): string {
  return (
    `curl -i -H 'Authorization: Bearer ${apiKey}' -H 'Content-Type: application/json' ` +
    `-d '${chatBody}' http://127.0.0.1:${port}${AI_ROUTE_PATH}/chat/completions`
  );
}

function metricsCommand(metricsPort: number): string {
  return `curl -s http://127.0.0.1:${metricsPort}/metrics | grep 'route="${ROUTE_LABEL}"'`;
}

/** One line: status, the model that answered, what it said and the tokens it reported. */
function describeChatAnswer(answer: HTTPAnswer): string {
  const model = answer.headers[ANSWERED_BY];
  let said = answer.body.trim();
  try {
    const parsed = JSON.parse(answer.body) as {
      choices?: { message?: { content?: string } }[];
      usage?: { prompt_tokens?: number; completion_tokens?: number };
    };
    const content = parsed.choices?.[0]?.message?.content;
    if (content !== undefined) {
      said = `${JSON.stringify(content)} (${parsed.usage?.prompt_tokens ?? '?'} prompt + ${parsed.usage?.completion_tokens ?? '?'} completion tokens)`;
    }
  } catch {
    // Not JSON: shown as it came.
  }
  return `HTTP ${answer.status}, ${ANSWERED_BY_HEADER}: ${String(model ?? '(none)')}: ${said}`;
}

/** The counter lines of the sample route on the metrics page. */
function routeCounterLines(metrics: string): string[] {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('gen_ai_') && line.includes(`route="${ROUTE_LABEL}"`));
}

/** The sum of the token counters of the sample route for a consumer and token type. */
function tokenCount(lines: readonly string[], consumer: string, type: 'input' | 'output'): number {
  return lines
    .filter(
      (line) =>
        line.startsWith('gen_ai_client_token_usage_total{') &&
        line.includes(`consumer="${consumer}"`) &&
        line.includes(`gen_ai_token_type="${type}"`),
    )
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function readCounters(metricsPort: number): Promise<string[]> {
  const answer = await sendRequest(metricsPort, '/metrics');
  if (answer.status !== 200) throw new AIGatewayAnswerError([`GET /metrics: HTTP ${answer.status}`]);
  return routeCounterLines(answer.body);
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + ACCOUNTING_TIMEOUT_MS;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(50);
    value = await read();
  }
  return value;
}

async function routeLogEntries(accessLog: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(accessLog, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.route === ROUTE_LABEL);
}

const LOGGED_FIELDS = ['consumer', 'requestedModel', 'model', 'status', 'promptTokens', 'completionTokens'];

export async function showAIGateway(demo: AIGatewayDemo): Promise<void> {
  const { gateway, primary, fallback, apiKey, providerKey, out } = demo;
  const failures: string[] = [];
  const expect = (ok: boolean, failure: string) => {
    if (!ok) failures.push(failure);
  };
  const chat = () =>
    sendRequest(gateway.port, `${AI_ROUTE_PATH}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: chatBody,
    });

  out.step(`token counters of route ${ROUTE_LABEL} before:`);
  const before = await readCounters(gateway.metricsPort);
  out.command(metricsCommand(gateway.metricsPort), before.join('\n') || '(none yet)');
  const inputBefore = tokenCount(before, API_KEY_NAME, 'input');
  const outputBefore = tokenCount(before, API_KEY_NAME, 'output');

  out.step(`a chat completion for model ${JSON.stringify(PRIMARY_MODEL.modelName)}, with team-a's API key:`);
  const primarySeen = primary.requests.length;
  const first = await chat();
  out.command(chatCommand(gateway.port, apiKey), describeChatAnswer(first));
  expect(first.status === 200, `chat completion: expected 200, got ${first.status}: ${first.body}`);
  expect(
    first.headers[ANSWERED_BY] === PRIMARY_MODEL.name,
    `chat completion: expected ${PRIMARY_MODEL.name} to answer, got ${String(first.headers[ANSWERED_BY])}`,
  );
  const received = primary.requests[primarySeen];
  if (received === undefined) {
    failures.push(`${primary.name} received no request`);
  } else {
    const authorization = received.headers.authorization;
    const model = (JSON.parse(received.body) as { model?: string }).model;
    const clientKeySent = JSON.stringify(received.headers).includes(apiKey);
    out.step(
      `${primary.name} received ${received.method} ${received.url} for model ${JSON.stringify(model)} with ` +
        `Authorization: ${String(authorization)}, the key of Secret ${SAMPLES_NAMESPACE}/${PROVIDER_KEY_SECRET.name}; ` +
        (clientKeySent ? "the client's key reached it too" : "the client's key did not reach it"),
    );
    expect(authorization === `Bearer ${providerKey}`, `${primary.name} did not receive the provider key`);
    expect(!clientKeySent, `${primary.name} received the client's API key`);
  }

  out.step(`${primary.name} answers its next request 503; the same request again:`);
  primary.failNext(503);
  const fallbackSeen = fallback.requests.length;
  const second = await chat();
  out.command(chatCommand(gateway.port, apiKey), describeChatAnswer(second));
  expect(second.status === 200, `fallback: expected 200, got ${second.status}: ${second.body}`);
  expect(
    second.headers[ANSWERED_BY] === FALLBACK_MODEL.name,
    `fallback: expected ${FALLBACK_MODEL.name} to answer, got ${String(second.headers[ANSWERED_BY])}`,
  );
  expect(primary.requests.length === primarySeen + 2, `${primary.name} was not asked before the fallback`);
  const rescued = fallback.requests[fallbackSeen];
  if (rescued === undefined) {
    failures.push(`${fallback.name} received no request`);
  } else {
    const model = (JSON.parse(rescued.body) as { model?: string }).model;
    const authorization = rescued.headers.authorization;
    out.step(
      `${primary.name} answered 503, so the gateway asked ${PRIMARY_MODEL.name}'s fallback ${FALLBACK_MODEL.name}: ` +
        `${fallback.name} received ${rescued.method} ${rescued.url} for model ${JSON.stringify(model)}, ` +
        (authorization === undefined
          ? `without ${PRIMARY_MODEL.name}'s provider key`
          : `with ${authorization}`),
    );
    expect(model === FALLBACK_MODEL.providerModelName, `${fallback.name} was asked for ${String(model)}`);
    expect(authorization === undefined, `${fallback.name} received an Authorization header`);
  }

  const input = primary.usage.prompt + fallback.usage.prompt;
  const output = primary.usage.completion + fallback.usage.completion;
  const logged = await waitFor(
    () => routeLogEntries(gateway.workspace.accessLog),
    (entries) => entries.length >= 2,
  );
  out.step(`the gateway's access log (standard output in the pod) for both:`);
  out.output(
    logged
      .slice(-2)
      .map((entry) => JSON.stringify(Object.fromEntries(LOGGED_FIELDS.map((field) => [field, entry[field]]))))
      .join('\n'),
  );
  const after = await waitFor(
    () => readCounters(gateway.metricsPort),
    (lines) =>
      tokenCount(lines, API_KEY_NAME, 'input') >= inputBefore + input &&
      tokenCount(lines, API_KEY_NAME, 'output') >= outputBefore + output,
  );
  out.step(`token counters of route ${ROUTE_LABEL} after:`);
  out.command(metricsCommand(gateway.metricsPort), after.join('\n'));
  const inputAfter = tokenCount(after, API_KEY_NAME, 'input');
  const outputAfter = tokenCount(after, API_KEY_NAME, 'output');
  out.step(
    `gen_ai_client_token_usage_total of consumer ${API_KEY_NAME}: input ${inputBefore} -> ${inputAfter}, ` +
      `output ${outputBefore} -> ${outputAfter} (the models reported ${primary.usage.prompt} + ${fallback.usage.prompt} ` +
      `prompt and ${primary.usage.completion} + ${fallback.usage.completion} completion tokens)`,
  );
  expect(
    inputAfter === inputBefore + input && outputAfter === outputBefore + output,
    `token counters: expected input +${input} and output +${output}, got +${inputAfter - inputBefore} and +${outputAfter - outputBefore}`,
  );
  if (failures.length > 0) throw new AIGatewayAnswerError(failures);
}
