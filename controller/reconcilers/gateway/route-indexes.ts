// Cache indexes, so that an event finds the gateways it concerns without scanning every route: the routes
// of a gateway, the routes that name an AIModel, the AIModels that name another as a fallback (a route
// reaches the fallbacks of the models it names), and the routes to a Service of another namespace, by
// that namespace (whose ReferenceGrants decide whether they are served).
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import { namespaceOf, objectKey } from '../../../shared/kube/object-key.ts';
import type { ReconcileRequest } from '../../runtime/controller/reconciler.ts';
import { DEFAULT_GATEWAY } from '../../children/gateway/gateway-names.ts';
import { destinationElsewhere, routeModelNames } from './plan-gateway.ts';

export const ROUTES_BY_GATEWAY = 'routes-by-gateway';
export const ROUTES_BY_MODEL = 'routes-by-aimodel';
export const MODELS_BY_FALLBACK = 'aimodels-by-fallback';
export const ROUTES_BY_TARGET_NAMESPACE = 'routes-by-target-namespace';

function routeGateway(route: APIGatewayRouteV1): string {
  return route.spec.gateway ?? DEFAULT_GATEWAY;
}

/** The reconcile key of the gateway serving `route`: namespace/gateway-name. */
export function gatewayRequest(route: APIGatewayRouteV1): ReconcileRequest {
  return { namespace: namespaceOf(route), name: routeGateway(route) };
}

export function indexByGateway(route: APIGatewayRouteV1): string[] {
  return [objectKey(gatewayRequest(route))];
}

export function indexByModel(route: APIGatewayRouteV1): string[] {
  const namespace = namespaceOf(route);
  return [...new Set(routeModelNames(route))].map((name) => objectKey({ namespace, name }));
}

export function indexByTargetNamespace(route: APIGatewayRouteV1): string[] {
  const target = destinationElsewhere(route);
  return target === undefined ? [] : [target.namespace];
}

/** The gateways serving `routes`, each once. */
export function gatewaysOf(routes: readonly APIGatewayRouteV1[]): ReconcileRequest[] {
  const requests = new Map(routes.map((route) => [objectKey(gatewayRequest(route)), gatewayRequest(route)]));
  return [...requests.values()];
}

export function indexByFallback(model: AIModelV1): string[] {
  const namespace = namespaceOf(model);
  return [...new Set((model.spec.fallbacks ?? []).map((f) => f.name))].map((name) =>
    objectKey({ namespace, name }),
  );
}

/** The gateways whose routes reach `model`: by naming it, or a model it is a fallback of. */
export function gatewaysReaching(
  model: AIModelV1,
  routesNaming: (modelKey: string) => APIGatewayRouteV1[],
  modelsFallingBackTo: (modelKey: string) => AIModelV1[],
): ReconcileRequest[] {
  const key = (m: AIModelV1) => objectKey({ namespace: namespaceOf(m), name: m.metadata.name ?? '' });
  return gatewaysOf([model, ...modelsFallingBackTo(key(model))].flatMap((m) => routesNaming(key(m))));
}
