// The named location that serves one route: API-key check, rate limit, timeouts and the proxy to its
// backend's upstream group (see backend-upstream.ts).
import { CONSUMER_VARIABLE, modelProxyDirectives, routingContent } from './ai-locations.ts';
import { backendUpstream } from './backend-upstream.ts';
import { block, comment, directive, type NginxBlock, type NginxNode } from './nginx-config-text.ts';
import {
  API_KEY_CHECK_PATH,
  API_KEY_DIRECTORY_VARIABLE,
  CONSUMER_HEADER_VARIABLE,
  ROUTE_NAME_VARIABLE,
  UPSTREAM_HOST_VARIABLE,
  routeLocationName,
} from './nginx-names.ts';
import { pcreLiteral, quotedLiteral, quotedText } from './nginx-syntax.ts';
import type { GatewayOptions } from './gateway-options.ts';
import type { NumberedRoute, PreparedRoute } from './prepared-route.ts';
import { proxyHeaders, proxyTimeouts } from './proxy-headers.ts';
import type { EndpointBackend } from './route-backend.ts';

/** Addresses a zone of this size tracks per route (about 16 000 clients). */
const RATE_LIMIT_ZONE_SIZE = '1m';

function apiKeySecretDirectory(options: Pick<GatewayOptions, 'apiKeysDirectory'>, secret: string): string {
  return `${options.apiKeysDirectory}/${secret}`;
}

/**
 * The route's rate limit as a token bucket: rateLimit requests at once plus burst, refilled at rateLimit
 * per second. nginx's `burst` counts the requests beyond the first, hence the - 1.
 */
export function rateLimitZone(route: NumberedRoute): NginxNode[] {
  if (route.rateLimit === 0) return [];
  return [
    directive(
      'limit_req_zone',
      '$binary_remote_addr',
      `zone=${routeLocationName(route.number)}:${RATE_LIMIT_ZONE_SIZE}`,
      `rate=${route.rateLimit}r/s`,
    ),
  ];
}

function consumesAPIKey(route: PreparedRoute): boolean {
  return route.authentication.required && route.authentication.secret !== undefined;
}

function authentication(route: PreparedRoute, options: GatewayOptions): NginxNode[] {
  if (!route.authentication.required) return [];
  const secret = route.authentication.secret;
  // Without a Secret no key can be valid.
  if (secret === undefined) return [directive('return', 401)];
  return [
    directive('set', API_KEY_DIRECTORY_VARIABLE, quotedText(apiKeySecretDirectory(options, secret))),
    directive('auth_request', quotedLiteral(API_KEY_CHECK_PATH)),
    // The data key of the Secret that holds the presented key names its consumer.
    directive('auth_request_set', CONSUMER_VARIABLE, CONSUMER_HEADER_VARIABLE),
  ];
}

function rateLimit(route: NumberedRoute): NginxNode[] {
  if (route.rateLimit === 0) return [];
  const burst = route.rateLimit + route.burst - 1;
  // nginx refuses burst=0; leaving it out means the same.
  return [
    directive(
      'limit_req',
      `zone=${routeLocationName(route.number)}`,
      ...(burst > 0 ? [`burst=${burst}`] : []),
      'nodelay',
    ),
  ];
}

/** `/prefix/rest` becomes `<endpoint path>/rest`; an exact path becomes the endpoint path. */
function endpointRewrite(route: PreparedRoute, backend: EndpointBackend): NginxNode[] {
  if (backend.basePath === '') return [];
  const { pathMatch, path } = route.match;
  const [pattern, replacement] =
    pathMatch === 'Exact'
      ? ['^', backend.basePath]
      : path === '/'
        ? ['^(/.*)$', `${backend.basePath}$1`]
        : [`^${pcreLiteral(path)}(/.*)?$`, `${backend.basePath}$1`];
  // The replacement's only `$` is the capture, and it holds no `?` to start arguments: basePath holds
  // neither (see endpoint-path.ts).
  return [directive('rewrite', quotedLiteral(pattern), quotedLiteral(replacement), 'break')];
}

/**
 * proxy_pass names the upstream without a URI, so nginx passes the request URI as the client sent it, or,
 * after an endpoint's rewrite, the rewritten path (encoded again) and the query.
 */
function proxy(route: NumberedRoute, options: GatewayOptions): NginxNode[] {
  const backend = route.backend;
  if (backend === undefined) return routingContent();
  const upstream = backendUpstream(backend);
  const model = route.route.spec.aiModelRef;
  if (model !== undefined) {
    // A model not (yet) known is reached through its Service, without credentials.
    const target = route.model ?? { model: model.name, providerModelName: model.name, backend };
    return [
      ...modelProxyDirectives(target, 0, route, options),
      ...(backend.kind === 'endpoint' ? endpointRewrite(route, backend) : []),
      directive('proxy_pass', quotedText(upstream.url)),
    ];
  }
  return [
    directive('set', UPSTREAM_HOST_VARIABLE, '$host'),
    ...proxyTimeouts(route.timeoutSeconds),
    directive('proxy_pass', quotedText(upstream.url)),
  ];
}

export function routeLocation(route: NumberedRoute, options: GatewayOptions): NginxBlock {
  const { pathMatch, path, method } = route.match;
  return block(
    'location',
    [`@${routeLocationName(route.number)}`],
    [
      comment(`APIGatewayRoute ${route.id}: ${pathMatch} ${JSON.stringify(path)} ${method}`),
      directive('set', ROUTE_NAME_VARIABLE, quotedText(route.id)),
      ...authentication(route, options),
      ...(consumesAPIKey(route) && route.route.spec.aiModelRef === undefined
        ? proxyHeaders({ consumesAPIKey: true })
        : []),
      ...rateLimit(route),
      ...proxy(route, options),
    ],
  );
}
