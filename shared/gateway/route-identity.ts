// How a route is named in errors, logs and rendered comments.
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';

export function routeIdentity(route: APIGatewayRouteV1): string {
  return `${route.metadata.namespace ?? 'default'}/${route.metadata.name ?? ''}`;
}
