// What a gateway should serve, decided from its routes and the AIModels they name: which routes fail
// validation (they do not count for the gateway at all), which the gateway cannot serve, which name a
// Service of another namespace without its consent, which lose a conflict, which are served, which Secrets hold the API keys of the served, and which hold the provider
// keys of the models they reach. A route reaches the models it names (aiModelRef, aiModelRouting) and
// their fallbacks; the fallbacks' own fallbacks are not followed, as the gateway does not follow them.
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import type { ObjectRef } from '../../../shared/kube/resource.ts';
import { admitRoutes } from '../../../shared/gateway/admit-routes.ts';
import { GatewayRouteError } from '../../../shared/gateway/errors.ts';
import { modelsByKey, prepareRoute } from '../../../shared/gateway/prepared-route.ts';
import { DEFAULT_CLUSTER_DOMAIN } from '../../../shared/gateway/route-backend.ts';
import { otherNamespaceTarget } from '../../../shared/api/apigatewayroute/destination-namespace.ts';
import type { DestinationTarget } from '../../../shared/api/apigatewayroute/destination-namespace.ts';
import { specProblem } from '../spec-problem.ts';
import { grantsRouteAccess, refNotPermittedMessage } from './reference-grants.ts';
import type { ReferenceGrant } from './reference-grants.ts';
import { namespaceOf } from '../../../shared/kube/object-key.ts';

interface RouteProblem {
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
  /** Routes naming a Service of another namespace that has not granted them access (a ReferenceGrant). */
  notPermitted: RouteProblem[];
  /** Routes whose match an older route holds. */
  conflicting: RouteProblem[];
  served: APIGatewayRouteV1[];
  /**
   * Served routes with AIModels they name that do not exist (yet), by name, sorted: in the configuration,
   * but those models are not reached until they exist.
   */
  missingModels: Map<APIGatewayRouteV1, string[]>;
  /**
   * Served aiModelRouting routes with models that are never chosen, as a model listed before them has the
   * same modelName (the gateway sends requests for a name to the first model that has it).
   */
  shadowedModels: Map<APIGatewayRouteV1, ShadowedModel[]>;
  apiKeySecrets: string[];
  /** The Secrets and data keys the models of the served routes name for their provider keys, sorted. */
  credentialSecrets: CredentialSecret[];
}

/** A model of aiModelRouting that is never chosen, and the model listed before it with its modelName. */
interface ShadowedModel {
  model: string;
  modelName: string;
  by: string;
}

/** A Secret holding provider keys, and the data keys of it that models name. */
interface CredentialSecret {
  name: string;
  keys: string[];
}

/** The AIModels a route names itself: its aiModelRef or the models of its aiModelRouting. */
export function routeModelNames(route: APIGatewayRouteV1): string[] {
  const { aiModelRef, aiModelRouting } = route.spec;
  return [...(aiModelRef ? [aiModelRef.name] : []), ...(aiModelRouting?.models ?? []).map((m) => m.name)];
}

/**
 * The AIModels the routes reach that exist: those they name and the fallbacks of those, each once, in the
 * order of `routes`. `find` reads a model (from the cache); a model being deleted counts as gone.
 */
export function referencedModels(
  routes: readonly APIGatewayRouteV1[],
  find: (ref: ObjectRef) => AIModelV1 | undefined,
): AIModelV1[] {
  const found = new Map<string, AIModelV1>();
  const add = (namespace: string, name: string): AIModelV1 | undefined => {
    const key = `${namespace}/${name}`;
    if (found.has(key)) return found.get(key);
    const model = find({ namespace, name });
    if (model === undefined || model.metadata.deletionTimestamp) return undefined;
    found.set(key, model);
    return model;
  };
  for (const route of routes) {
    const named = routeModelNames(route).flatMap((name) => add(namespaceOf(route), name) ?? []);
    for (const model of named) {
      for (const fallback of model.spec.fallbacks ?? []) add(namespaceOf(route), fallback.name);
    }
  }
  return [...found.values()];
}

function shadowedModelsOf(route: APIGatewayRouteV1, models: ReadonlyMap<string, AIModelV1>): ShadowedModel[] {
  const firstWithName = new Map<string, string>();
  const shadowed: ShadowedModel[] = [];
  for (const { name } of route.spec.aiModelRouting?.models ?? []) {
    const modelName = models.get(`${namespaceOf(route)}/${name}`)?.spec.modelName;
    if (modelName === undefined) continue;
    const by = firstWithName.get(modelName);
    if (by === undefined) firstWithName.set(modelName, name);
    else shadowed.push({ model: name, modelName, by });
  }
  return shadowed;
}

/** The Secrets and keys the models reached by `routes` name, sorted by Secret and key. */
function credentialSecretsOf(
  routes: readonly APIGatewayRouteV1[],
  models: ReadonlyMap<string, AIModelV1>,
): CredentialSecret[] {
  const keys = new Map<string, Set<string>>();
  const reached = referencedModels(routes, ({ namespace, name }) => models.get(`${namespace}/${name}`));
  for (const model of reached) {
    const ref = model.spec.credentials?.secretKeyRef;
    if (ref === undefined) continue;
    keys.set(ref.name, (keys.get(ref.name) ?? new Set()).add(ref.key));
  }
  return [...keys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, names]) => ({ name, keys: [...names].sort() }));
}

/** The ReferenceGrants of a namespace. */
export type GrantsOf = (namespace: string) => readonly ReferenceGrant[];

/** What the route's destinationService reaches in a namespace other than the route's; undefined otherwise. */
export function destinationElsewhere(route: APIGatewayRouteV1): DestinationTarget | undefined {
  const destination = route.spec.destinationService;
  return destination === undefined ? undefined : otherNamespaceTarget(destination, namespaceOf(route));
}

/** The consent a route to another namespace lacks, as its status message; undefined when it needs none. */
function missingConsent(route: APIGatewayRouteV1, grantsOf: GrantsOf): string | undefined {
  const destination = route.spec.destinationService;
  const target = destinationElsewhere(route);
  if (destination === undefined || target === undefined) return undefined;
  const namespace = namespaceOf(route);
  if (grantsRouteAccess(grantsOf(target.namespace), namespace, target)) return undefined;
  return refNotPermittedMessage(destination, namespace, target);
}

export function planGateway(
  routes: readonly APIGatewayRouteV1[],
  models: readonly AIModelV1[],
  /** Loopback, link-local and cloud metadata backends are refused unless true (--allow-local-egress). */
  allowLocalEgress = false,
  /** Where routes to a Service of another namespace find its consent; none by default. */
  grantsOf: GrantsOf = () => [],
): GatewayPlan {
  const context = { models: modelsByKey(models), clusterDomain: DEFAULT_CLUSTER_DOMAIN, allowLocalEgress };
  const refused: RouteProblem[] = [];
  const members: APIGatewayRouteV1[] = [];
  const invalid: RouteProblem[] = [];
  const notPermitted: RouteProblem[] = [];
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
    } catch (err) {
      if (!(err instanceof GatewayRouteError)) throw err;
      invalid.push({ route, message: `${err.field}: ${err.problem}` });
      continue;
    }
    // Checked before conflicts, so that a route without consent holds no path from one that has it.
    const consent = missingConsent(route, grantsOf);
    if (consent === undefined) valid.push(route);
    else notPermitted.push({ route, message: consent });
  }
  const admission = admitRoutes(valid, models, DEFAULT_CLUSTER_DOMAIN, allowLocalEgress);
  const missingModels = new Map<APIGatewayRouteV1, string[]>();
  for (const route of admission.admitted) {
    const missing = routeModelNames(route).filter(
      (name) => !context.models.has(`${namespaceOf(route)}/${name}`),
    );
    if (missing.length > 0) missingModels.set(route, [...new Set(missing)].sort());
  }
  const shadowedModels = new Map<APIGatewayRouteV1, ShadowedModel[]>();
  for (const route of admission.admitted) {
    const shadowed = shadowedModelsOf(route, context.models);
    if (shadowed.length > 0) shadowedModels.set(route, shadowed);
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
    notPermitted,
    conflicting: admission.rejected.map(({ route, reason }) => ({ route, message: reason })),
    served: admission.admitted,
    missingModels,
    shadowedModels,
    apiKeySecrets: [...new Set(apiKeySecrets)].sort(),
    credentialSecrets: credentialSecretsOf(admission.admitted, context.models),
  };
}
