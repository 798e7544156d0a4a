// A route's path as nginx compares it. nginx matches locations against the normalized request path:
// percent-escapes decoded, repeated slashes merged, dot segments resolved. A route path is brought into
// the same form, or refused when no normalized request path could ever equal it, or none the gateway lets
// through (see request-path-check.ts).

import { hasControlCharacter } from './control-characters.ts';

export type NormalizedPath = { path: string } | { problem: string };

function decodePercentEscapes(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/** `path` as nginx's normalized request path would read; prefixes lose a trailing slash (`/api/` = `/api`). */
export function normalizeRoutePath(path: string, pathMatch: 'PathPrefix' | 'Exact'): NormalizedPath {
  if (!path.startsWith('/')) return { problem: 'must start with "/"' };
  const decoded = decodePercentEscapes(path);
  if (decoded === undefined) return { problem: 'has a percent-escape that is malformed or not UTF-8' };
  if (hasControlCharacter(decoded)) return { problem: 'decodes to a control character' };
  // Neither raw nor escaped may a request path hold these.
  if (/[\\;?#%]/.test(decoded)) {
    return { problem: 'decodes to "\\", ";", "?", "#" or "%", which the gateway refuses in request paths' };
  }
  const merged = decoded.replace(/\/{2,}/g, '/');
  if (merged.split('/').some((segment) => segment === '.' || segment === '..')) {
    return { problem: 'has a "." or ".." segment, which a normalized request path never has' };
  }
  if (pathMatch === 'PathPrefix' && merged.length > 1 && merged.endsWith('/')) {
    return { path: merged.slice(0, -1) };
  }
  return { path: merged };
}

/** Whether a request path `path` lies under the (normalized) prefix `prefix`, on segment boundaries. */
export function prefixCovers(prefix: string, path: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}
