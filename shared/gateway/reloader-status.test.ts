import { describe, expect, it } from '@jest/globals';
import { MAX_RELOADER_TEXT, parseReloaderStatus, type ReloaderStatus } from './reloader-status.ts';

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

  it('cuts text longer than a status can carry', () => {
    const long = 'e'.repeat(MAX_RELOADER_TEXT + 10);
    const status = parseReloaderStatus(
      JSON.stringify({
        mountedHash: A,
        loadedHash: A,
        refused: { hash: A, error: long },
        problem: long,
        lastReloadSeconds: null,
      }),
    );
    expect(status.refused?.error).toBe(`${'e'.repeat(MAX_RELOADER_TEXT)}… (cut)`);
    expect(status.problem).toBe(`${'e'.repeat(MAX_RELOADER_TEXT)}… (cut)`);
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
