// The AI section of the gateway benchmark: three routes of one gateway to the same model server (see
// chat-completion-backend.ts), each sent the same chat completion request and answered the same:
// - plain: a destinationService route, proxied as any route is (the base of the section's ratios);
// - accounting: an aiModelRef route to an AIModel at that server's endpoint, whose answer passes through
//   the njs body filter that reads its usage into the access log and the metrics counters;
// - routing: an aiModelRouting route whose njs handler reads the body's "model" and redirects to that
//   model's location, which runs the same body filter.
// The gateway is an nginx of its own, so that the AI gateway's declarations (its njs module, variables
// and shared dictionaries) leave the proxy section's gateway as it was.
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import { ANSWERED_BY_HEADER } from '../../shared/gateway/ai-locations.ts';
import { aiModel, FIXTURE_NAMESPACE, gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { sendRequest } from '../../test/nginx/http-request.ts';
import { CHAT_COMPLETION_ANSWER, CHAT_COMPLETION_REQUEST } from './chat-completion-backend.ts';

/** The model server's name, resolved by the loopback DNS server; every route reaches it by this name. */
export const MODEL_HOST = 'llm.bench.test';
export const AI_TARGETS = ['ai-plain', 'ai-accounting', 'ai-routing'] as const;
export type AITarget = (typeof AI_TARGETS)[number];

export function aiModels(port: number): AIModelV1[] {
  // The endpoint without a path: the aiModelRef route passes the request URI on unchanged, as the plain
  // route does, with no rewrite.
  return [aiModel('bench-model', { modelProvider: 'OpenAI', endpoint: `http://${MODEL_HOST}:${port}` })];
}

export function aiRoutes(port: number): APIGatewayRouteV1[] {
  return [
    gatewayRoute('ai-plain', {
      path: '/bench/ai/plain',
      method: 'POST',
      destinationService: MODEL_HOST,
      destinationPort: port,
    }),
    gatewayRoute('ai-accounting', {
      path: '/bench/ai/accounting',
      method: 'POST',
      aiModelRef: { name: 'bench-model' },
    }),
    gatewayRoute('ai-routing', {
      path: '/bench/ai/routing/v1',
      method: 'POST',
      aiModelRouting: { models: [{ name: 'bench-model' }] },
    }),
  ];
}

/** What each AI target sends: the same body, to its route's chat completions. */
export function aiRequest(target: AITarget): {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
} {
  const path = {
    'ai-plain': '/bench/ai/plain/v1/chat/completions',
    'ai-accounting': '/bench/ai/accounting/v1/chat/completions',
    'ai-routing': '/bench/ai/routing/v1/chat/completions',
  }[target];
  return {
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: CHAT_COMPLETION_REQUEST,
  };
}

/**
 * Before measuring: each target answers the model server's answer unchanged, the AI routes through the
 * model, and the gateway has counted the tokens of the two AI routes' answers; otherwise a figure would
 * measure something else (an error page, a route that does not account).
 */
export async function checkAITargets(gatewayPort: number, metricsPort: number): Promise<void> {
  for (const target of AI_TARGETS) {
    const { path, ...request } = aiRequest(target);
    const answer = await sendRequest(gatewayPort, path, request);
    if (answer.status !== 200 || answer.body !== CHAT_COMPLETION_ANSWER.toString()) {
      throw new Error(`${target}: answered ${answer.status} ${answer.body.slice(0, 200)}`);
    }
    const model = answer.headers[ANSWERED_BY_HEADER.toLowerCase()];
    if ((target === 'ai-plain') !== (model === undefined)) {
      throw new Error(`${target}: answered by model ${String(model)}`);
    }
  }
  const metrics = (await sendRequest(metricsPort, '/metrics')).body;
  for (const route of ['ai-accounting', 'ai-routing']) {
    const counted = metrics
      .split('\n')
      .some(
        (line) =>
          line.startsWith('gen_ai_client_token_usage_total{') &&
          line.includes(`route="${FIXTURE_NAMESPACE}/${route}"`) &&
          line.includes('gen_ai_token_type="input"'),
      );
    if (!counted) throw new Error(`${route}: no tokens counted in the gateway's metrics:\n${metrics}`);
  }
}
