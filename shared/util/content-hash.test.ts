import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { contentHash } from './content-hash.ts';

describe('contentHash', () => {
  it('is 32 hex digits of the SHA-256 of the canonical JSON, whatever the key order', () => {
    const hash = contentHash({ b: '2', a: { y: 1, x: [1, 2] } });
    expect(hash).toBe(
      createHash('sha256').update('{"a":{"x":[1,2],"y":1},"b":"2"}').digest('hex').slice(0, 32),
    );
    expect(contentHash({ a: { x: [1, 2], y: 1 }, b: '2' })).toBe(hash);
    expect(contentHash({ a: { x: [2, 1], y: 1 }, b: '2' })).not.toBe(hash);
  });
});
