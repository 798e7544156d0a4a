// Which routes of a gateway are served. A route is refused when the gateway cannot serve it (a value nginx
// could not match, a reserved path, an unusable model endpoint) or when an older route already claims
// exactly the same match; the controller reports the reasons in the routes' status.
import type { AIModelV1 } from '../api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import { GatewayRouteError } from './errors.ts';
import { modelsByKey, prepareRoute } from './prepared-route.ts';
import { DEFAULT_CLUSTER_DOMAIN } from './route-backend.ts';
import { routeIdentity } from './route-identity.ts';
import { matchKey } from './route-match.ts';
import { compareAge } from './route-precedence.ts';

interface RouteRejection {
  route: APIGatewayRouteV1;
  reason: string;
}

export interface RouteAdmission {
  /** Sorted by namespace/name. */
  admitted: APIGatewayRouteV1[];
  /** Sorted by namespace/name. */
  rejected: RouteRejection[];
}

function byIdentity(a: APIGatewayRouteV1, b: APIGatewayRouteV1): number {
  const x = routeIdentity(a);
  const y = routeIdentity(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function conflictReason(winner: APIGatewayRouteV1, loser: APIGatewayRouteV1): string {
  const sameAge = winner.metadata.creationTimestamp === loser.metadata.creationTimestamp;
  return (
    `APIGatewayRoute ${routeIdentity(winner)} matches the same path, method, hosts and headers and ` +
    (sameAge ? 'was created at the same time with a name sorting first' : 'was created earlier')
  );
}

/** Pure: the same routes in any order give the same admission. */
export function admitRoutes(
  routes: readonly APIGatewayRouteV1[],
  models: readonly AIModelV1[] = [],
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
  allowLocalEgress = false,
): RouteAdmission {
  const context = { models: modelsByKey(models), clusterDomain, allowLocalEgress };
  const claimed = new Map<string, APIGatewayRouteV1>();
  const admitted: APIGatewayRouteV1[] = [];
  const rejected: RouteRejection[] = [];
  for (const route of [...routes].sort(compareAge)) {
    let key: string;
    try {
      key = matchKey(prepareRoute(route, context).match);
    } catch (error) {
      if (!(error instanceof GatewayRouteError)) throw error;
      rejected.push({ route, reason: `${error.field}: ${error.problem}` });
      continue;
    }
    const winner = claimed.get(key);
    if (winner) {
      rejected.push({ route, reason: conflictReason(winner, route) });
    } else {
      claimed.set(key, route);
      admitted.push(route);
    }
  }
  return {
    admitted: admitted.sort(byIdentity),
    rejected: rejected.sort((a, b) => byIdentity(a.route, b.route)),
  };
}
