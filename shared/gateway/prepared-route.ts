// A route checked and reduced to what the renderer writes: its match, backend, limits and authentication.
// Every check the renderer relies on happens here, so admission and rendering refuse the same routes.
import type { AIModelV1 } from '../api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import { aiRouting, modelTarget, type AIRouting, type ModelTarget } from './ai-route.ts';
import { GatewayRouteError } from './errors.ts';
import { routeBackend, type RouteBackend } from './route-backend.ts';
import { routeIdentity } from './route-identity.ts';
import { routeMatch, type RouteMatch } from './route-match.ts';
import { namespaceOf } from '../kube/object-key.ts';

type RouteAuthentication = { required: false } | { required: true; secret: string | undefined };

export interface PreparedRoute {
  route: APIGatewayRouteV1;
  /** `<namespace>/<name>`. */
  id: string;
  match: RouteMatch;
  /** Where requests go; for aiModelRouting, see aiRouting instead. */
  backend?: RouteBackend;
  /** The AIModel of aiModelRef, when it exists: its credentials. */
  model?: ModelTarget;
  /** The models an aiModelRouting route chooses from and its consumers. */
  aiRouting?: AIRouting;
  /** Requests per second per client address; 0 means no limit. */
  rateLimit: number;
  burst: number;
  timeoutSeconds: number;
  authentication: RouteAuthentication;
}

/** A prepared route and its place among the gateway's routes sorted by name, which names its nginx objects. */
export interface NumberedRoute extends PreparedRoute {
  number: number;
}

export interface RouteContext {
  /** AIModels by `<namespace>/<name>` (see modelsByKey). */
  models: ReadonlyMap<string, AIModelV1>;
  clusterDomain: string;
  /** Loopback, link-local and cloud metadata backends are refused unless true. */
  allowLocalEgress?: boolean;
}

export function modelsByKey(models: readonly AIModelV1[]): ReadonlyMap<string, AIModelV1> {
  return new Map(models.map((m) => [`${namespaceOf(m)}/${m.metadata.name ?? ''}`, m]));
}

/** The API's default for requestTimeoutSeconds. */
const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function integerField(
  route: APIGatewayRouteV1,
  field: string,
  value: number | undefined,
  fallback: number,
  [min, max]: [number, number],
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GatewayRouteError(routeIdentity(route), field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function authentication(route: APIGatewayRouteV1): RouteAuthentication {
  if (route.spec.authenticationRequired !== true) return { required: false };
  const secret = route.spec.apiKeySecretRef?.name;
  if (secret !== undefined && !DNS_SUBDOMAIN.test(secret)) {
    throw new GatewayRouteError(routeIdentity(route), 'spec.apiKeySecretRef.name', 'must be a DNS subdomain');
  }
  return { required: true, secret };
}

/** Throws GatewayRouteError naming the route and field when a value cannot be rendered. */
export function prepareRoute(route: APIGatewayRouteV1, context: RouteContext): PreparedRoute {
  const id = routeIdentity(route);
  if (!DNS_SUBDOMAIN.test(route.metadata.name ?? '')) {
    throw new GatewayRouteError(id, 'metadata.name', 'must be a DNS subdomain');
  }
  if (!DNS_LABEL.test(namespaceOf(route))) {
    throw new GatewayRouteError(id, 'metadata.namespace', 'must be a DNS label');
  }
  const rateLimit = integerField(route, 'spec.rateLimit', route.spec.rateLimit, 0, [0, 1_000_000]);
  const lookup = {
    models: context.models,
    clusterDomain: context.clusterDomain,
    allowLocalEgress: context.allowLocalEgress ?? false,
  };
  const { aiModelRouting, aiModelRef } = route.spec;
  if (
    aiModelRouting !== undefined &&
    (aiModelRef !== undefined || route.spec.destinationService !== undefined)
  ) {
    throw new GatewayRouteError(
      id,
      'spec',
      'exactly one of destinationService, aiModelRef or aiModelRouting must be set',
    );
  }
  const model = aiModelRef === undefined ? undefined : modelTarget(route, aiModelRef.name, lookup);
  return {
    route,
    id,
    match: routeMatch(route),
    ...(aiModelRouting === undefined
      ? { backend: routeBackend(route, context.models, context.clusterDomain, context.allowLocalEgress) }
      : { aiRouting: aiRouting(route, lookup) }),
    ...(model ? { model } : {}),
    rateLimit,
    burst: rateLimit > 0 ? integerField(route, 'spec.burst', route.spec.burst, 0, [0, 1_000_000]) : 0,
    timeoutSeconds: integerField(
      route,
      'spec.requestTimeoutSeconds',
      route.spec.requestTimeoutSeconds,
      DEFAULT_REQUEST_TIMEOUT_SECONDS,
      [1, 3600],
    ),
    authentication: authentication(route),
  };
}
