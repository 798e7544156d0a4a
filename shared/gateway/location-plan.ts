// The nginx locations a gateway needs and, for each, the routes that may serve a request landing there.
// nginx picks the location (an exact location beats every prefix, the longest prefix beats shorter ones);
// the location then dispatches among its candidates, which are every route whose path covers all of the
// location's requests, most specific first, so a route whose hosts, headers or method do not match falls
// through to the next.
import type { NumberedRoute } from './prepared-route.ts';
import { comparePrecedence } from './route-precedence.ts';
import { prefixCovers } from './route-path.ts';

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

function covers(route: NumberedRoute, modifier: LocationPlan['modifier'], path: string): boolean {
  const { pathMatch, path: routePath } = route.match;
  if (modifier === '=') return pathMatch === 'Exact' ? routePath === path : prefixCovers(routePath, path);
  // Every request of `^~ <p>/` lies under `<p>`; only prefixes covering `<p>` itself cover them all.
  return pathMatch === 'PathPrefix' && prefixCovers(routePath, path === '/' ? '/' : path.slice(0, -1));
}

/** Sorted by path, then modifier, so that the same routes always give the same plan. */
export function planLocations(routes: readonly NumberedRoute[]): LocationPlan[] {
  const keys = new Map<string, [LocationPlan['modifier'], string]>();
  for (const route of routes) {
    for (const [modifier, path] of locationKeys(route)) keys.set(`${modifier} ${path}`, [modifier, path]);
  }
  return [...keys.values()]
    .sort(([ma, pa], [mb, pb]) => (pa < pb ? -1 : pa > pb ? 1 : ma < mb ? -1 : ma > mb ? 1 : 0))
    .map(([modifier, path]) => ({
      modifier,
      path,
      candidates: routes.filter((route) => covers(route, modifier, path)).sort(comparePrecedence),
    }));
}
