import { describe, expect, it } from '@jest/globals';
import { parseReloaderStatus, type ReloaderStatus } from './reloader-status.ts';

const A = 'a'.repeat(64);

describe('parseReloaderStatus', () => {
  it('reads what the reloader writes', () => {
    const status: ReloaderStatus = {
      mountedHash: A,
      loadedHash: null,
      refused: { hash: A, error: 'unknown directive "x"' },
      problem: 'nginx is not running',
      lastReloadSeconds: 0.5,
    };
    expect(parseReloaderStatus(JSON.stringify(status))).toEqual(status);
  });

  it('refuses anything else, saying what is wrong', () => {
    expect(() => parseReloaderStatus('<html>')).toThrow('not JSON');
    const base = { mountedHash: A, loadedHash: A, refused: null, problem: null, lastReloadSeconds: null };
    expect(() => parseReloaderStatus(JSON.stringify({ ...base, loadedHash: 'x' }))).toThrow('loadedHash');
    expect(() => parseReloaderStatus(JSON.stringify({ ...base, refused: { error: 'e' } }))).toThrow(
      'refused.hash',
    );
    expect(() => parseReloaderStatus(JSON.stringify({ ...base, problem: 3 }))).toThrow('problem');
  });
});
