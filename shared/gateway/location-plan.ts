// The nginx locations a gateway needs and, for each, the routes that may serve a request landing there.
// nginx picks the location (an exact location beats every prefix, the longest prefix beats shorter ones);
// the location then dispatches among its candidates, which are every route whose path covers all of the
// location's requests, most specific first, so a route whose hosts, headers or method do not match falls
// through to the next.
import type { NumberedRoute } from './prepared-route.ts';
import { comparePrecedence } from './route-precedence.ts';

export interface LocationPlan {
  /** `=` for one exact path; `^~` for a prefix (no regex locations exist, so `^~` only documents that). */
  modifier: '=' | '^~';
  /** For `^~`, ends with "/": prefix `/api` covers `/api` (an `=` location) and `/api/...` (this one). */
  path: string;
  /** In precedence order. */
  candidates: NumberedRoute[];
}

function locationKeys(route: NumberedRoute): [LocationPlan['modifier'], string][] {
  const { pathMatch, path } = route.match;
  if (pathMatch === 'Exact') return [['=', path]];
  if (path === '/') return [['^~', '/']];
  return [
    ['=', path],
    ['^~', `${path}/`],
  ];
}

/** Every prefix that covers `path` (see prefixCovers): "/", `path` itself, and each part before a "/". */
function coveringPrefixes(path: string): string[] {
  const prefixes = ['/', path];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) prefixes.push(path.slice(0, i));
  return [...new Set(prefixes)];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Sorted by path, then modifier, so that the same routes always give the same plan. The candidates of a
 * location are looked up by the prefixes covering its path, so planning takes time in proportion to the
 * routes times the depth of their paths, not to the routes squared.
 */
export function planLocations(routes: readonly NumberedRoute[]): LocationPlan[] {
  const keys = new Map<string, [LocationPlan['modifier'], string]>();
  const exact = new Map<string, NumberedRoute[]>();
  const prefix = new Map<string, NumberedRoute[]>();
  for (const route of routes) {
    for (const [modifier, path] of locationKeys(route)) keys.set(`${modifier} ${path}`, [modifier, path]);
    push(route.match.pathMatch === 'Exact' ? exact : prefix, route.match.path, route);
  }
  const prefixesCovering = (path: string) => coveringPrefixes(path).flatMap((p) => prefix.get(p) ?? []);
  return [...keys.values()]
    .sort(([ma, pa], [mb, pb]) => (pa < pb ? -1 : pa > pb ? 1 : ma < mb ? -1 : ma > mb ? 1 : 0))
    .map(([modifier, path]) => ({
      modifier,
      path,
      candidates: (modifier === '='
        ? [...(exact.get(path) ?? []), ...prefixesCovering(path)]
        : // Every request of `^~ <p>/` lies under `<p>`; only prefixes covering `<p>` itself cover them all.
          prefixesCovering(path === '/' ? '/' : path.slice(0, -1))
      ).sort(comparePrecedence),
    }));
}
