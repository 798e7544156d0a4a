// Splits a byte stream into lines, as the API server frames watch events: one JSON document per line.
// Chunks may cut lines (and multi-byte characters) anywhere.
import { StringDecoder } from 'node:string_decoder';

export class LineTooLongError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`stream line exceeds ${limit} characters without a newline`);
    this.name = 'LineTooLongError';
    this.limit = limit;
  }
}

// etcd caps an object at 1.5 MiB; JSON framing adds little. A runaway line means a broken stream.
const DEFAULT_MAX_LINE = 16 * 1024 * 1024;

export async function* splitLines(
  chunks: AsyncIterable<Buffer | string>,
  maxLine: number = DEFAULT_MAX_LINE,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    let newline = pending.indexOf('\n', start);
    while (newline >= 0) {
      const line = pending.slice(start, newline).trim();
      if (line) yield line;
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
    if (pending.length > maxLine) throw new LineTooLongError(maxLine);
  }
  const last = (pending + decoder.end()).trim();
  if (last) yield last;
}
