import { describe, expect, it } from '@jest/globals';
import { LineTooLongError, splitLines } from './ndjson.ts';

async function collect(chunks: (Buffer | string)[], maxLine?: number): Promise<string[]> {
  async function* source() {
    yield* chunks;
  }
  const lines: string[] = [];
  for await (const line of splitLines(source(), maxLine)) lines.push(line);
  return lines;
}

describe('splitLines', () => {
  it('yields one line per newline, across chunk boundaries', async () => {
    expect(await collect(['{"a":1}\n{"b"', ':2}\n', '{"c":3}\n'])).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps a multi-byte character that a chunk boundary splits', async () => {
    const bytes = Buffer.from('{"name":"café"}\n');
    const cut = bytes.indexOf(0xc3) + 1;
    expect(await collect([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(['{"name":"café"}']);
  });

  it('skips blank lines and yields a final unterminated line', async () => {
    expect(await collect(['\n\n{"a":1}\r\n\n', '{"b":2}'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('fails on a line longer than the limit instead of buffering without bound', async () => {
    await expect(collect(['x'.repeat(20), 'y'.repeat(20)], 32)).rejects.toBeInstanceOf(LineTooLongError);
  });
});
