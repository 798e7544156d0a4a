// The model server of the benchmark's AI section: on loopback, it answers every request, whatever its
// path, with the same small OpenAI chat completion (with its usage) once the request body has arrived,
// and does no other work, so that what differs between the AI targets is the gateway's part alone.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What each target sends: a small chat completion request, the same for all. */
export const CHAT_COMPLETION_REQUEST = JSON.stringify({
  model: 'bench-model',
  messages: [{ role: 'user', content: 'Say hello.' }],
  max_tokens: 16,
});

/** The answer: an OpenAI chat completion as models return it, usage last. */
export const CHAT_COMPLETION_ANSWER = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 0,
    model: 'bench-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello! How can I help you today?' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 11, completion_tokens: 9, total_tokens: 20 },
  }),
);

export interface ChatCompletionBackend {
  port: number;
  close(): Promise<void>;
}

export async function startChatCompletionBackend(): Promise<ChatCompletionBackend> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': CHAT_COMPLETION_ANSWER.length,
      });
      response.end(CHAT_COMPLETION_ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
