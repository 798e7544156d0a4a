// Which of several routes matching one request serves it: the most specific path (exact before prefix,
// then the longest prefix), then the most specific hosts, then the most header conditions, then a named
// method before ANY, and GET after the other named methods; among equals, the oldest route
// (creationTimestamp, then name).
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import type { PreparedRoute } from './prepared-route.ts';
import type { RouteMatch } from './route-match.ts';
import { routeIdentity } from './route-identity.ts';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Exact host names only: 2; some wildcard: 1; every host: 0. */
function hostSpecificity(match: RouteMatch): number {
  if (match.hosts.length === 0) return 0;
  return match.hosts.some((host) => host.startsWith('*.')) ? 1 : 2;
}

/** Older first; a route without a creationTimestamp (not yet stored) counts as the youngest. */
export function compareAge(a: APIGatewayRouteV1, b: APIGatewayRouteV1): number {
  return (
    compareText(a.metadata.creationTimestamp ?? '\uffff', b.metadata.creationTimestamp ?? '\uffff') ||
    compareText(routeIdentity(a), routeIdentity(b))
  );
}

/** Negative when `a` takes precedence over `b` for a request both match. */
export function comparePrecedence(a: PreparedRoute, b: PreparedRoute): number {
  return (
    Number(a.match.pathMatch === 'PathPrefix') - Number(b.match.pathMatch === 'PathPrefix') ||
    b.match.path.length - a.match.path.length ||
    hostSpecificity(b.match) - hostSpecificity(a.match) ||
    b.match.headers.length - a.match.headers.length ||
    Number(a.match.method === 'ANY') - Number(b.match.method === 'ANY') ||
    // A GET route takes HEAD too; a route naming HEAD comes first, to serve the HEAD requests both match.
    // Other named methods take no request in common with GET, so going before it changes nothing else.
    Number(a.match.method === 'GET') - Number(b.match.method === 'GET') ||
    compareAge(a.route, b.route)
  );
}
