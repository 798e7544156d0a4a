// How a route is named in errors, logs and rendered comments.
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import { namespaceOf } from '../kube/object-key.ts';

export function routeIdentity(route: APIGatewayRouteV1): string {
  return `${namespaceOf(route)}/${route.metadata.name ?? ''}`;
}
