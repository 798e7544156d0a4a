import { describe, expect, it } from '@jest/globals';
import { normalizeRoutePath, prefixCovers } from './route-path.ts';

describe('normalizeRoutePath', () => {
  it('decodes percent-escapes and merges slashes, as nginx does to request paths', () => {
    expect(normalizeRoutePath('/docs%20v2', 'PathPrefix')).toEqual({ path: '/docs v2' });
    expect(normalizeRoutePath('/a%2Fb', 'Exact')).toEqual({ path: '/a/b' });
    expect(normalizeRoutePath('//api///v1', 'Exact')).toEqual({ path: '/api/v1' });
    expect(normalizeRoutePath('/caf%C3%A9', 'Exact')).toEqual({ path: '/café' });
  });

  it('drops the trailing slash of a prefix but keeps it on an exact path', () => {
    expect(normalizeRoutePath('/api/', 'PathPrefix')).toEqual({ path: '/api' });
    expect(normalizeRoutePath('/api/', 'Exact')).toEqual({ path: '/api/' });
    expect(normalizeRoutePath('/', 'PathPrefix')).toEqual({ path: '/' });
  });

  it('refuses paths no normalized request path can equal', () => {
    expect(normalizeRoutePath('/a%zz', 'Exact')).toEqual({ problem: expect.stringMatching(/malformed/) });
    expect(normalizeRoutePath('/a%FF', 'Exact')).toEqual({ problem: expect.stringMatching(/not UTF-8/) });
    expect(normalizeRoutePath('/a%0Ab', 'Exact')).toEqual({
      problem: expect.stringMatching(/control character/),
    });
    expect(normalizeRoutePath('/a/../b', 'PathPrefix')).toEqual({
      problem: expect.stringMatching(/segment/),
    });
    expect(normalizeRoutePath('/a/%2E', 'PathPrefix')).toEqual({ problem: expect.stringMatching(/segment/) });
    expect(normalizeRoutePath('api', 'Exact')).toEqual({ problem: 'must start with "/"' });
  });

  it('refuses paths that only requests the gateway refuses could reach', () => {
    for (const path of ['/a%3Bb', '/a%5Cb', '/100%25', '/a%3b', '/a%3F', '/a%23b']) {
      expect(normalizeRoutePath(path, 'PathPrefix')).toEqual({
        problem: 'decodes to "\\", ";", "?", "#" or "%", which the gateway refuses in request paths',
      });
    }
  });
});

describe('prefixCovers', () => {
  it('covers the prefix itself and paths below it, on segment boundaries only', () => {
    expect(prefixCovers('/api', '/api')).toBe(true);
    expect(prefixCovers('/api', '/api/')).toBe(true);
    expect(prefixCovers('/api', '/api/v1')).toBe(true);
    expect(prefixCovers('/api', '/apis')).toBe(false);
    expect(prefixCovers('/api/v1', '/api')).toBe(false);
    expect(prefixCovers('/', '/anything')).toBe(true);
  });
});
