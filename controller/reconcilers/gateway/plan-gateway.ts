// What a gateway should serve, decided from its routes and the AIModels they name: which routes fail
// validation (they do not count for the gateway at all), which the gateway cannot serve, which lose a
// conflict, which are served, and which Secrets hold the API keys of the served.
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import { admitRoutes } from '../../../shared/gateway/admit-routes.ts';
import { GatewayRouteError } from '../../../shared/gateway/errors.ts';
import { modelsByKey, prepareRoute } from '../../../shared/gateway/prepared-route.ts';
import { DEFAULT_CLUSTER_DOMAIN } from '../../../shared/gateway/route-backend.ts';
import { specProblem } from '../spec-problem.ts';

export interface RouteProblem {
  route: APIGatewayRouteV1;
  message: string;
}

export interface GatewayPlan {
  /**
   * Routes that fail v1 validation (stored without the webhook's checks): left out of the gateway as if
   * they did not exist, so nothing is created or changed for them.
   */
  refused: RouteProblem[];
  /** The other routes: they own the gateway's children. */
  members: APIGatewayRouteV1[];
  /** Routes the gateway cannot serve as they are (a value nginx cannot match, a reserved path, ...). */
  invalid: RouteProblem[];
  /** Routes whose match an older route holds. */
  conflicting: RouteProblem[];
  served: APIGatewayRouteV1[];
  /** Served routes whose AIModel does not exist (yet): in the configuration, answered 502 until it does. */
  missingModels: Map<APIGatewayRouteV1, string>;
  apiKeySecrets: string[];
}

export function planGateway(
  routes: readonly APIGatewayRouteV1[],
  models: readonly AIModelV1[],
  /** Loopback, link-local and cloud metadata backends are refused unless true (--allow-local-egress). */
  allowLocalEgress = false,
): GatewayPlan {
  const context = { models: modelsByKey(models), clusterDomain: DEFAULT_CLUSTER_DOMAIN, allowLocalEgress };
  const refused: RouteProblem[] = [];
  const members: APIGatewayRouteV1[] = [];
  const invalid: RouteProblem[] = [];
  const valid: APIGatewayRouteV1[] = [];
  for (const route of routes) {
    const problem = specProblem(route);
    if (problem !== undefined) {
      refused.push({ route, message: problem });
      continue;
    }
    members.push(route);
    try {
      prepareRoute(route, context);
      valid.push(route);
    } catch (err) {
      if (!(err instanceof GatewayRouteError)) throw err;
      invalid.push({ route, message: `${err.field}: ${err.problem}` });
    }
  }
  const admission = admitRoutes(valid, models, DEFAULT_CLUSTER_DOMAIN, allowLocalEgress);
  const missingModels = new Map<APIGatewayRouteV1, string>();
  for (const route of admission.admitted) {
    const model = route.spec.aiModelRef?.name;
    if (model !== undefined && !context.models.has(`${route.metadata.namespace ?? 'default'}/${model}`)) {
      missingModels.set(route, model);
    }
  }
  const apiKeySecrets = admission.admitted.flatMap((route) =>
    route.spec.authenticationRequired === true && route.spec.apiKeySecretRef
      ? [route.spec.apiKeySecretRef.name]
      : [],
  );
  return {
    refused,
    members,
    invalid,
    conflicting: admission.rejected.map(({ route, reason }) => ({ route, message: reason })),
    served: admission.admitted,
    missingModels,
    apiKeySecrets: [...new Set(apiKeySecrets)].sort(),
  };
}
