// Cache indexes over routes, so that an event finds the gateways it concerns without scanning every route:
// the routes of a gateway, and the routes that send traffic to an AIModel.
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import { objectKey } from '../../runtime/cache/object-key.ts';
import type { ReconcileRequest } from '../../runtime/controller/reconciler.ts';
import { DEFAULT_GATEWAY } from '../../children/gateway/gateway-names.ts';

export const ROUTES_BY_GATEWAY = 'routes-by-gateway';
export const ROUTES_BY_MODEL = 'routes-by-aimodel';

export function routeGateway(route: APIGatewayRouteV1): string {
  return route.spec.gateway ?? DEFAULT_GATEWAY;
}

/** The reconcile key of the gateway serving `route`: namespace/gateway-name. */
export function gatewayRequest(route: APIGatewayRouteV1): ReconcileRequest {
  return { namespace: route.metadata.namespace ?? 'default', name: routeGateway(route) };
}

export function indexByGateway(route: APIGatewayRouteV1): string[] {
  return [objectKey(gatewayRequest(route))];
}

export function indexByModel(route: APIGatewayRouteV1): string[] {
  const model = route.spec.aiModelRef?.name;
  return model ? [objectKey({ namespace: route.metadata.namespace ?? 'default', name: model })] : [];
}
