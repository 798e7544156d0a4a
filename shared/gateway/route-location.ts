// The named location that serves one route: API-key check, rate limit, timeouts and the proxy to its
// backend. Backend names are resolved at request time (proxy_pass with variables and the `resolver`), so
// a Service created after the gateway, or recreated with a new address, is reached without a reload.
import { block, comment, directive, type NginxBlock, type NginxNode } from './nginx-config-text.ts';
import {
  API_KEY_CHECK_PATH,
  API_KEY_DIRECTORY_VARIABLE,
  ROUTE_NAME_VARIABLE,
  UPSTREAM_HOST_VARIABLE,
  UPSTREAM_VARIABLE,
  routeLocationName,
} from './nginx-names.ts';
import { pcreLiteral, quotedLiteral, quotedText } from './nginx-syntax.ts';
import type { GatewayOptions } from './gateway-options.ts';
import type { NumberedRoute, PreparedRoute } from './prepared-route.ts';
import { proxyHeaders } from './proxy-headers.ts';
import type { EndpointBackend } from './route-backend.ts';

/** Addresses a zone of this size tracks per route (about 16 000 clients). */
const RATE_LIMIT_ZONE_SIZE = '1m';

export function apiKeySecretDirectory(
  options: Pick<GatewayOptions, 'apiKeysDirectory'>,
  secret: string,
): string {
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

function consumesApiKey(route: PreparedRoute): boolean {
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

function proxy(route: PreparedRoute, options: GatewayOptions): NginxNode[] {
  const backend = route.backend;
  const timeouts = ['proxy_connect_timeout', 'proxy_send_timeout', 'proxy_read_timeout'].map((name) =>
    directive(name, `${route.timeoutSeconds}s`),
  );
  if (backend.kind === 'service') {
    return [
      directive('set', UPSTREAM_VARIABLE, quotedText(`${backend.host}:${backend.port}`)),
      directive('set', UPSTREAM_HOST_VARIABLE, '$host'),
      ...timeouts,
      ...(route.route.spec.aiModelRef ? [directive('proxy_buffering', 'off')] : []),
      directive('proxy_pass', quotedLiteral(`http://${UPSTREAM_VARIABLE}$request_uri`)),
    ];
  }
  const rewrite = endpointRewrite(route, backend);
  const tls =
    backend.scheme === 'https'
      ? [
          directive('proxy_ssl_server_name', 'on'),
          directive('proxy_ssl_name', quotedText(backend.host.replace(/^\[(.*)\]$/, '$1'))),
          directive('proxy_ssl_verify', 'on'),
          directive('proxy_ssl_verify_depth', 4),
          directive('proxy_ssl_trusted_certificate', quotedText(options.trustedCertificatesFile)),
        ]
      : [];
  return [
    directive('set', UPSTREAM_VARIABLE, quotedText(`${backend.host}:${backend.port}`)),
    directive('set', UPSTREAM_HOST_VARIABLE, quotedText(backend.authority)),
    ...rewrite,
    ...timeouts,
    // Models answer token by token; buffering would hold the stream back.
    directive('proxy_buffering', 'off'),
    ...tls,
    // After a rewrite nginx passes the rewritten path (and the query); otherwise the request URI as sent.
    directive(
      'proxy_pass',
      quotedLiteral(`${backend.scheme}://${UPSTREAM_VARIABLE}${rewrite.length > 0 ? '' : '$request_uri'}`),
    ),
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
      ...(consumesApiKey(route) ? proxyHeaders({ consumesApiKey: true }) : []),
      ...rateLimit(route),
      ...proxy(route, options),
    ],
  );
}
