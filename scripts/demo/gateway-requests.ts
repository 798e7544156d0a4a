// Requests through the local gateway, each with the answer the sample routes call for: a plain route,
// an API-key route without and with a key from the cluster's Secret, the converted v1alpha1 route, and a
// path no route claims.
import { sendRequest } from '../../test/nginx/http-request.ts';
import type { HTTPAnswer } from '../../test/nginx/http-request.ts';
import type { DemoOutput } from './demo-output.ts';

export interface GatewayRequest {
  path: string;
  headers?: Record<string, string>;
  expectedStatus: number;
}

export function gatewayRequests(apiKey: string): GatewayRequest[] {
  return [
    { path: '/hello/world', expectedStatus: 200 },
    { path: '/secure/data', expectedStatus: 401 },
    { path: '/secure/data', headers: { Authorization: `Bearer ${apiKey}` }, expectedStatus: 200 },
    { path: '/legacy', expectedStatus: 200 },
    { path: '/nowhere', expectedStatus: 404 },
  ];
}

class UnexpectedAnswerError extends Error {
  readonly failures: readonly string[];
  constructor(failures: readonly string[]) {
    super(`the gateway answered otherwise than the routes say:\n${failures.join('\n')}`);
    this.name = 'UnexpectedAnswerError';
    this.failures = failures;
  }
}

export function curlCommand(port: number, request: GatewayRequest): string {
  const headers = Object.entries(request.headers ?? {}).map(([name, value]) => ` -H '${name}: ${value}'`);
  return `curl -i${headers.join('')} http://127.0.0.1:${port}${request.path}`;
}

interface EchoedRequest {
  service?: string;
  method?: string;
  url?: string;
  headers?: Record<string, string>;
}

/** One line saying who answered: a backend (and what reached it), or the gateway itself with its body. */
export function describeAnswer(answer: HTTPAnswer): string {
  let echoed: EchoedRequest | undefined;
  try {
    echoed = JSON.parse(answer.body) as EchoedRequest;
  } catch {
    echoed = undefined;
  }
  if (echoed?.service !== undefined) {
    const authorization = echoed.headers?.authorization === undefined ? '' : ', with the API key';
    return `HTTP ${answer.status}, answered by Service ${echoed.service}: ${echoed.method} ${echoed.url}${authorization}`;
  }
  return `HTTP ${answer.status} from the gateway: ${answer.body.trim()}`;
}

export async function sendGatewayRequests(
  port: number,
  requests: readonly GatewayRequest[],
  out: DemoOutput,
): Promise<void> {
  const failures: string[] = [];
  for (const request of requests) {
    const answer = await sendRequest(port, request.path, { headers: request.headers ?? {} });
    const line = describeAnswer(answer);
    out.command(curlCommand(port, request), line);
    if (answer.status !== request.expectedStatus) {
      failures.push(`${request.path}: expected ${request.expectedStatus}, got ${line}`);
    }
  }
  if (failures.length > 0) throw new UnexpectedAnswerError(failures);
}
