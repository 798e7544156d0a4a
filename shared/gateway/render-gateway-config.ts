// The nginx configuration of one gateway, rendered from its admitted routes. Pure and deterministic: the
// same input in any order gives the same bytes, and the hash covers everything whose change must roll the
// gateway's pods (the configuration and the files beside it, not the API keys, which are read live).
import { createHash } from 'node:crypto';
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import { API_KEY_HANDLER, API_KEY_MODULE, API_KEY_SCRIPT, API_KEY_SCRIPT_FILE } from './api-key-script.ts';
import { dispatchLocation } from './dispatch-location.ts';
import { GatewayRouteError } from './errors.ts';
import { gatewayOptions, type GatewayConfigInput, type GatewayOptions } from './gateway-options.ts';
import { planLocations } from './location-plan.ts';
import { block, comment, directive, nginxConfigText, type NginxNode } from './nginx-config-text.ts';
import {
  ALLOW_VARIABLE,
  API_KEY_CHECK_PATH,
  API_KEY_CONSUMED_VARIABLE,
  METHOD_NOT_ALLOWED_LOCATION,
  NOT_FOUND_LOCATION,
  RATE_LIMITED_LOCATION,
  ROUTE_NAME_VARIABLE,
  UNAUTHORIZED_LOCATION,
  UPSTREAM_HOST_VARIABLE,
} from './nginx-names.ts';
import { quotedLiteral, quotedTemplate, quotedText } from './nginx-syntax.ts';
import { modelsByKey, prepareRoute, type PreparedRoute } from './prepared-route.ts';
import { rateLimitZone, routeLocation } from './route-location.ts';
import { HEALTH_PATH } from './route-match.ts';
import { isConditional, routeSelectionMap } from './route-selection.ts';

export const GATEWAY_CONFIG_FILE = 'nginx.conf';

export interface GatewayConfig {
  /** The text of nginx.conf. */
  config: string;
  /** Files that must sit next to nginx.conf (same directory), by name. */
  files: Record<string, string>;
  /** sha256 (hex) of config and files. */
  hash: string;
}

const JSON_TYPE = 'application/json';

function preparedRoutes(options: GatewayOptions): PreparedRoute[] {
  const context = { models: modelsByKey(options.models), clusterDomain: options.clusterDomain };
  const seen = new Set<string>();
  return options.routes
    .map((route: APIGatewayRouteV1) => {
      const prepared = prepareRoute(route, context);
      if ((route.metadata.namespace ?? 'default') !== options.namespace) {
        throw new GatewayRouteError(
          prepared.id,
          'metadata.namespace',
          `is not the gateway's namespace ${options.namespace}`,
        );
      }
      if ((route.spec.gateway ?? 'default') !== options.gateway) {
        throw new GatewayRouteError(prepared.id, 'spec.gateway', `is not this gateway (${options.gateway})`);
      }
      if (seen.has(prepared.id)) throw new GatewayRouteError(prepared.id, 'metadata.name', 'is given twice');
      seen.add(prepared.id);
      return prepared;
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function logFormat(options: GatewayOptions): string {
  const fields: [string, string][] = [
    ['time', '"$time_iso8601"'],
    ['gateway', `"${options.namespace}/${options.gateway}"`],
    ['route', `"${ROUTE_NAME_VARIABLE}"`],
    ['requestId', '"$gw_request_id"'],
    ['remoteAddress', '"$remote_addr"'],
    ['host', '"$host"'],
    ['method', '"$request_method"'],
    ['path', '"$uri"'],
    ['status', '$status'],
    ['bytesSent', '$bytes_sent'],
    ['latencySeconds', '$request_time'],
    ['upstream', '"$upstream_addr"'],
    ['upstreamStatus', '"$upstream_status"'],
    ['upstreamLatencySeconds', '"$upstream_response_time"'],
  ];
  return `{${fields.map(([name, value]) => `"${name}":${value}`).join(',')}}`;
}

function jsonAnswer(location: string, status: number, body: object, headers: [string, string][]): NginxNode {
  return block(
    'location',
    [location],
    [
      directive('default_type', JSON_TYPE),
      ...headers.map(([name, value]) => directive('add_header', name, value, 'always')),
      directive('return', status, quotedTemplate(JSON.stringify(body))),
    ],
  );
}

function errorLocations(): NginxNode[] {
  return [
    jsonAnswer(
      NOT_FOUND_LOCATION,
      404,
      { error: 'NotFound', message: 'no route of this gateway matches' },
      [],
    ),
    jsonAnswer(
      METHOD_NOT_ALLOWED_LOCATION,
      405,
      { error: 'MethodNotAllowed', message: 'the routes of this path do not accept this method' },
      [['Allow', ALLOW_VARIABLE]],
    ),
    jsonAnswer(
      UNAUTHORIZED_LOCATION,
      401,
      {
        error: 'Unauthorized',
        message: 'a valid API key is required: Authorization: Bearer <key> or X-API-Key: <key>',
      },
      [['WWW-Authenticate', quotedTemplate('Bearer realm="gateway"')]],
    ),
    jsonAnswer(RATE_LIMITED_LOCATION, 429, { error: 'TooManyRequests', message: 'rate limit exceeded' }, [
      ['Retry-After', '1'],
    ]),
  ];
}

function proxyDefaults(): NginxNode[] {
  const header = (name: string, value: string) => directive('proxy_set_header', name, value);
  return [
    directive('proxy_http_version', '1.1'),
    header('Host', UPSTREAM_HOST_VARIABLE),
    header('Upgrade', '$http_upgrade'),
    header('Connection', '$gw_connection'),
    header('X-Forwarded-For', '$proxy_add_x_forwarded_for'),
    header('X-Forwarded-Proto', '$scheme'),
    header('X-Forwarded-Host', '$host'),
    header('X-Real-IP', '$remote_addr'),
    header('X-Request-ID', '$gw_request_id'),
    // An API key the gateway checked is the gateway's credential, not the backend's.
    header('Authorization', '$gw_upstream_authorization'),
    header('X-API-Key', '$gw_upstream_api_key'),
    // A request ID the client sent is kept, so one ID follows the request through every hop.
    block(
      'map',
      ['$http_x_request_id', '$gw_request_id'],
      [directive('""', '$request_id'), directive('default', '$http_x_request_id')],
    ),
    block(
      'map',
      ['$http_upgrade', '$gw_connection'],
      [directive('default', 'upgrade'), directive('""', '""')],
    ),
    block(
      'map',
      [quotedLiteral(`${API_KEY_CONSUMED_VARIABLE}:$http_authorization`), '$gw_upstream_authorization'],
      [directive(quotedLiteral('~*^1:bearer '), '""'), directive('default', '$http_authorization')],
    ),
    block(
      'map',
      [API_KEY_CONSUMED_VARIABLE, '$gw_upstream_api_key'],
      [directive('1', '""'), directive('default', '$http_x_api_key')],
    ),
  ];
}

function httpBlock(options: GatewayOptions, routes: PreparedRoute[], usesApiKeys: boolean): NginxNode {
  const index = new Map(routes.map((route, i) => [route, i]));
  const plans = planLocations(routes);
  const dispatches = plans.map((plan, i) => dispatchLocation(plan, i, index));
  const hasRootLocation = plans.some((plan) => plan.modifier === '^~' && plan.path === '/');
  const run = options.runtimeDirectory;
  const listen = options.listenAddress
    ? `${options.listenAddress}:${options.listenPort}`
    : `${options.listenPort}`;
  const server = block(
    'server',
    [],
    [
      directive('listen', listen, 'default_server'),
      // Declares the variables routes set, with their value for requests no route takes.
      directive('set', ROUTE_NAME_VARIABLE, '""'),
      directive('set', ALLOW_VARIABLE, '""'),
      directive('set', UPSTREAM_HOST_VARIABLE, '$host'),
      directive('set', API_KEY_CONSUMED_VARIABLE, '""'),
      directive('error_page', 401, UNAUTHORIZED_LOCATION),
      directive('error_page', 404, NOT_FOUND_LOCATION),
      directive('error_page', 405, METHOD_NOT_ALLOWED_LOCATION),
      directive('error_page', 429, RATE_LIMITED_LOCATION),
      block(
        'location',
        ['=', quotedLiteral(HEALTH_PATH)],
        [
          directive('access_log', 'off'),
          directive('default_type', JSON_TYPE),
          directive('return', 200, quotedTemplate('{"status":"ok"}')),
        ],
      ),
      ...(usesApiKeys
        ? [
            block(
              'location',
              ['=', quotedLiteral(API_KEY_CHECK_PATH)],
              [directive('internal'), directive('js_content', API_KEY_HANDLER)],
            ),
          ]
        : []),
      ...(hasRootLocation ? [] : [block('location', ['/'], [directive('return', 404)])]),
      ...dispatches.map((d) => d.location),
      ...routes.map((route, i) => routeLocation(route, i, options)),
      ...errorLocations(),
    ],
  );
  return block(
    'http',
    [],
    [
      directive('server_tokens', 'off'),
      directive('default_type', 'application/octet-stream'),
      directive('client_max_body_size', '32m'),
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) =>
        directive(`${kind}_temp_path`, quotedText(`${run}/${kind}_temp`)),
      ),
      directive('log_format', 'gateway', 'escape=json', quotedTemplate(logFormat(options))),
      directive('access_log', quotedText(options.accessLog), 'gateway'),
      directive(
        'resolver',
        options.resolver,
        `valid=${options.resolverValidSeconds}s`,
        // An IPv4 DNS server means an IPv4 cluster: AAAA answers would only be addresses nobody listens on.
        ...(options.resolver.startsWith('[') ? [] : ['ipv6=off']),
      ),
      directive('resolver_timeout', '5s'),
      directive('limit_req_status', 429),
      ...(usesApiKeys
        ? [directive('js_import', API_KEY_MODULE, 'from', quotedText(API_KEY_SCRIPT_FILE))]
        : []),
      ...proxyDefaults(),
      ...routes.flatMap((route, i) => rateLimitZone(route, i)),
      ...routes.flatMap((route, i) => (isConditional(route) ? [routeSelectionMap(route, i)] : [])),
      ...dispatches.flatMap((d) => d.maps),
      server,
    ],
  );
}

function configHash(config: string, files: Record<string, string>): string {
  const hash = createHash('sha256').update(config);
  for (const name of Object.keys(files).sort()) hash.update(`\0${name}\0${files[name]}`);
  return hash.digest('hex');
}

/** Throws GatewayOptionError for a malformed option and GatewayRouteError for a route it cannot render. */
export function renderGatewayConfig(input: GatewayConfigInput): GatewayConfig {
  const options = gatewayOptions(input);
  const routes = preparedRoutes(options);
  const usesApiKeys = routes.some((r) => r.authentication.required && r.authentication.secret !== undefined);
  const nodes: NginxNode[] = [
    comment(
      `Gateway ${options.namespace}/${options.gateway}, rendered by ai-gateway-operator from its APIGatewayRoutes.`,
    ),
    ...(usesApiKeys
      ? [directive('load_module', quotedText(`${options.modulesDirectory}/ngx_http_js_module.so`))]
      : []),
    directive('worker_processes', 'auto'),
    directive('pid', quotedText(`${options.runtimeDirectory}/nginx.pid`)),
    directive('error_log', options.errorLog === 'stderr' ? 'stderr' : quotedText(options.errorLog), 'warn'),
    block('events', [], [directive('worker_connections', 4096)]),
    httpBlock(options, routes, usesApiKeys),
  ];
  const config = nginxConfigText(nodes);
  const files: Record<string, string> = usesApiKeys ? { [API_KEY_SCRIPT_FILE]: API_KEY_SCRIPT } : {};
  return { config, files, hash: configHash(config, files) };
}
