import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { errorMessage } from './error-message.ts';

describe('errorMessage', () => {
  it('reads an Error, a string, and anything else thrown', () => {
    expect(errorMessage(new TypeError('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(null)).toBe('null');
    expect(errorMessage({ code: 7 })).toBe('{"code":7}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorMessage(cyclic)).toBe('[object Object]');
  });

  it('reads an Error made in another realm', () => {
    expect(errorMessage(runInNewContext('new RangeError("elsewhere")'))).toBe('elsewhere');
  });

  it('never throws, even for values that refuse to become text', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.toJSON = () => {
      throw new Error('no JSON');
    };
    expect(errorMessage(bare)).toBe('[object Object]');
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('no prototype');
        },
      },
    );
    expect(typeof errorMessage(hostile)).toBe('string');
    expect(errorMessage(10n)).toBe('10');
    expect(errorMessage(Symbol('s'))).toBe('Symbol(s)');
  });
});
