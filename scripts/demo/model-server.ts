// A stand-in for an OpenAI-compatible model server (vLLM, llama.cpp's server, a provider) on this machine:
// an HTTP server at a loopback address and port that answers chat completions with a `usage` of its own,
// records every request as it arrived (headers and body), and fails the next requests on demand, so the
// demo can show what the gateway sent (the provider key, the model's name) and its fallbacks.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

interface ModelServerRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ModelServer {
  name: string;
  /** `address:port`. */
  origin: string;
  /** Every request received, in order. */
  readonly requests: readonly ModelServerRequest[];
  /** What every answer reports it used. */
  readonly usage: { prompt: number; completion: number };
  /** Answers the next request with `status` and an OpenAI error body. */
  failNext(status: number): void;
  close(): Promise<void>;
}

class ModelServerError extends Error {
  readonly address: string;
  readonly port: number;
  constructor(name: string, address: string, port: number, cause: Error) {
    super(
      `cannot listen on ${address}:${port} for the sample model server ${name} (${cause.message}); ` +
        `the sample AIModels send to port ${port}, so stop whatever listens on it`,
      { cause },
    );
    this.name = 'ModelServerError';
    this.address = address;
    this.port = port;
  }
}

export async function startModelServer(
  name: string,
  address: string,
  port: number,
  usage: { prompt: number; completion: number },
): Promise<ModelServer> {
  const requests: ModelServerRequest[] = [];
  const failures: number[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const failure = failures.shift();
      if (failure !== undefined) {
        response.writeHead(failure, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `${name} failed on purpose`, code: failure } }));
        return;
      }
      let model: unknown;
      try {
        model = (JSON.parse(body) as { model?: unknown }).model;
      } catch {
        model = undefined;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: `hello from ${name}` },
              finish_reason: 'stop',
            },
          ],
          usage: {
            prompt_tokens: usage.prompt,
            completion_tokens: usage.completion,
            total_tokens: usage.prompt + usage.completion,
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ModelServerError(name, address, port, error)));
    server.listen(port, address, resolve);
  });
  return {
    name,
    origin: `${address}:${port}`,
    requests,
    usage,
    failNext: (status) => void failures.push(status),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
