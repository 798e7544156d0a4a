// An OpenAI-compatible model server on loopback for gateway tests: chat completions (JSON, or Server-Sent
// Events when the body asks for a stream), completions and embeddings, each answer with a `usage` the test
// chose, and failures on demand (a status, or no answer within the gateway's timeout). It records every
// request as it arrived, headers and body included.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ModelRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeOpenAIBackend {
  name: string;
  port: number;
  requests: ModelRequest[];
  /** Usage the next answers report. */
  usage: { prompt: number; completion: number };
  /** Statuses the next requests are answered with, one per request, before normal answers resume. */
  failNext(...statuses: number[]): void;
  /** The next request gets no answer until the connection is closed. */
  hangNext(): void;
  close(): Promise<void>;
}

/** Pause between the events of a streamed answer, so that a test can see them arrive one by one. */
export const STREAM_EVENT_GAP_MS = 150;

export async function startFakeOpenAIBackend(name: string): Promise<FakeOpenAIBackend> {
  const failures: number[] = [];
  let hang = 0;
  const backend: FakeOpenAIBackend = {
    name,
    port: 0,
    requests: [],
    usage: { prompt: 11, completion: 7 },
    failNext: (...statuses) => void failures.push(...statuses),
    hangNext: () => void (hang += 1),
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      backend.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (hang > 0) {
        hang -= 1;
        return;
      }
      const failure = failures.shift();
      if (failure !== undefined) {
        res.writeHead(failure, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `${name} failed on purpose`, code: failure } }));
        return;
      }
      let request: { model?: string; stream?: boolean } = {};
      try {
        request = JSON.parse(body) as typeof request;
      } catch {
        // Answered as if empty: the test looks at what arrived.
      }
      const usage = {
        prompt_tokens: backend.usage.prompt,
        completion_tokens: backend.usage.completion,
        total_tokens: backend.usage.prompt + backend.usage.completion,
        prompt_tokens_details: { cached_tokens: 0 },
      };
      if (req.url?.startsWith('/v1/embeddings')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
            model: request.model,
            usage: { prompt_tokens: backend.usage.prompt, total_tokens: backend.usage.prompt },
          }),
        );
        return;
      }
      if (request.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const events = ['Hel', 'lo', '!'].map((content) => ({
          object: 'chat.completion.chunk',
          model: request.model,
          choices: [{ index: 0, delta: { content } }],
        }));
        const send = (i: number): void => {
          if (i < events.length) {
            res.write(`data: ${JSON.stringify(events[i])}\n\n`);
            setTimeout(() => send(i + 1), STREAM_EVENT_GAP_MS);
            return;
          }
          res.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
          res.end('data: [DONE]\n\n');
        };
        send(0);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          model: request.model,
          choices: [{ index: 0, message: { role: 'assistant', content: `hello from ${name}` } }],
          usage,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.port = (server.address() as AddressInfo).port;
  backend.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return backend;
}
