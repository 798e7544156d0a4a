// What a route matches, in the form the renderer compares and writes: the normalized path, the method,
// host names and header conditions, each checked so that only values nginx can match are kept.
import {
  HEADER_NAME_PATTERN,
  HTTP_METHODS,
  type APIGatewayRouteV1,
  type HTTPMethod,
  type PathMatchType,
} from '../api/apigatewayroute/v1.ts';
import { HOSTNAME_PATTERN } from '../api/schema/primitives.ts';
import { hasControlCharacter } from './control-characters.ts';
import { GatewayRouteError } from './errors.ts';
import { normalizeRoutePath, prefixCovers } from './route-path.ts';
import { routeIdentity } from './route-identity.ts';

interface HeaderCondition {
  /** Lower case, as nginx names the `$http_` variable after it. */
  name: string;
  value: string;
}

export interface RouteMatch {
  pathMatch: PathMatchType;
  /** Normalized (see normalizeRoutePath). */
  path: string;
  method: HTTPMethod;
  /** Lower case, sorted, without duplicates; empty means every host. */
  hosts: string[];
  /** Sorted by name. */
  headers: HeaderCondition[];
}

export const HEALTH_PATH = '/healthz';
/** Locations the gateway uses itself; no route may claim a path under it. */
const INTERNAL_PATH_PREFIX = '/.gateway';

const HOSTNAME = new RegExp(HOSTNAME_PATTERN);
const HEADER_NAME = new RegExp(HEADER_NAME_PATTERN);

function reservedPathProblem(path: string): string | undefined {
  if (path === HEALTH_PATH) return `is reserved for the gateway's health check`;
  if (prefixCovers(INTERNAL_PATH_PREFIX, path))
    return `lies under ${INTERNAL_PATH_PREFIX}, which the gateway reserves`;
  return undefined;
}

/** The match of `route`; throws GatewayRouteError naming the field that nginx could not match on. */
export function routeMatch(route: APIGatewayRouteV1): RouteMatch {
  const id = routeIdentity(route);
  const spec = route.spec;
  const pathMatch = spec.pathMatch ?? 'PathPrefix';
  if (pathMatch !== 'PathPrefix' && pathMatch !== 'Exact') {
    throw new GatewayRouteError(id, 'spec.pathMatch', 'must be PathPrefix or Exact');
  }
  if (typeof spec.path !== 'string') throw new GatewayRouteError(id, 'spec.path', 'must be a string');
  const normalized = normalizeRoutePath(spec.path, pathMatch);
  if ('problem' in normalized) throw new GatewayRouteError(id, 'spec.path', normalized.problem);
  const reserved = reservedPathProblem(normalized.path);
  if (reserved) throw new GatewayRouteError(id, 'spec.path', reserved);
  if (!(HTTP_METHODS as readonly string[]).includes(spec.method)) {
    throw new GatewayRouteError(id, 'spec.method', `must be one of ${HTTP_METHODS.join(', ')}`);
  }
  const hosts = (spec.hosts ?? []).map((host, i) => {
    const lower = typeof host === 'string' ? host.toLowerCase() : '';
    if (!HOSTNAME.test(lower)) {
      throw new GatewayRouteError(
        id,
        `spec.hosts[${i}]`,
        'must be a host name, optionally starting with "*."',
      );
    }
    return lower;
  });
  const seenHeaders = new Set<string>();
  const headers = (spec.headers ?? []).map((header, i) => {
    if (typeof header.name !== 'string' || !HEADER_NAME.test(header.name)) {
      throw new GatewayRouteError(id, `spec.headers[${i}].name`, 'must be letters, digits and "-"');
    }
    const name = header.name.toLowerCase();
    if (seenHeaders.has(name)) {
      throw new GatewayRouteError(id, `spec.headers[${i}].name`, `header ${header.name} is listed twice`);
    }
    seenHeaders.add(name);
    // Values are written as escaped literals, so any character is safe but the control characters, which
    // a request header cannot carry (tab aside).
    if (typeof header.value !== 'string' || hasControlCharacter(header.value, '\t')) {
      throw new GatewayRouteError(id, `spec.headers[${i}].value`, 'must not hold control characters');
    }
    // nginx trims header values and never matches an empty one: such a condition would not mean what it says.
    if (header.value === '' || header.value.trim() !== header.value) {
      throw new GatewayRouteError(
        id,
        `spec.headers[${i}].value`,
        'must not be empty, and must not start or end with a space',
      );
    }
    return { name, value: header.value };
  });
  return {
    pathMatch,
    path: normalized.path,
    method: spec.method,
    hosts: [...new Set(hosts)].sort(),
    headers: headers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/**
 * The request methods a route naming `method` (not ANY) takes: a GET route takes HEAD too, since HEAD is
 * GET without the body and servers should answer it wherever they answer GET (RFC 9110, 9.3.2).
 */
export function methodsTaken(method: Exclude<HTTPMethod, 'ANY'>): HTTPMethod[] {
  return method === 'GET' ? ['GET', 'HEAD'] : [method];
}

/** Equal for two routes exactly when they match the same requests. */
export function matchKey(match: RouteMatch): string {
  return JSON.stringify([match.pathMatch, match.path, match.method, match.hosts, match.headers]);
}
