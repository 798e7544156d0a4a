import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { Readable } from 'node:stream';
import { isPlainReview, parseStrictJSON, type BodyError } from './plain-body.ts';

const bodyParser = express.json({ limit: 1024, type: () => true, strict: true });

/** What express.json makes of `bytes`: the body, or its error's status, type and message. */
function viaBodyParser(bytes: Buffer): Promise<{ body?: unknown; error?: Partial<BodyError> }> {
  const req = Object.assign(Readable.from([bytes]), {
    headers: { 'content-length': String(bytes.length), 'content-type': 'application/json' },
    complete: false,
    socket: { readable: true },
  });
  return new Promise((resolve) => {
    bodyParser(req as never, {} as never, (err?: unknown) => {
      if (err) {
        const e = err as BodyError;
        resolve({ error: { status: e.status, type: e.type, message: e.message } });
      } else resolve({ body: (req as unknown as { body: unknown }).body });
    });
  });
}

function viaPlainBody(bytes: Buffer): { body?: unknown; error?: Partial<BodyError> } {
  try {
    return { body: parseStrictJSON(bytes) };
  } catch (err) {
    const e = err as BodyError;
    return { error: { status: e.status, type: e.type, message: e.message } };
  }
}

describe('parseStrictJSON', () => {
  it.each([
    '{"apiVersion":"admission.k8s.io/v1"}',
    '  \n\t[1, 2]',
    '\uFEFF{"a":1}',
    '{"apiVersion":',
    '"hello"',
    '  42',
    'null',
    'x{',
    '   ',
    '{"a":1} trailing',
    '[1, 2,]',
    '{"é":"ü"}',
  ])('reads %j as body-parser does', async (text) => {
    const bytes = Buffer.from(text);
    expect(viaPlainBody(bytes)).toEqual(await viaBodyParser(bytes));
  });

  it('reads invalid UTF-8 as body-parser does', async () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    expect(viaPlainBody(bytes)).toEqual(await viaBodyParser(bytes));
  });
});

describe('isPlainReview', () => {
  const plain = { 'content-length': '10', 'content-type': 'application/json' };
  it.each([
    [plain, true],
    [{ 'content-length': '10' }, true],
    [{ ...plain, 'content-length': '2048' }, false],
    [{ ...plain, 'content-length': '1e3' }, false],
    [{ ...plain, 'content-encoding': 'gzip' }, false],
    [{ ...plain, 'transfer-encoding': 'chunked' }, false],
    [{ ...plain, 'content-type': 'application/json; charset=utf-16' }, false],
    [{ 'content-type': 'application/json' }, false],
  ])('%j: %s', (headers, expected) => {
    expect(isPlainReview({ headers }, 1024)).toBe(expected);
  });
});
