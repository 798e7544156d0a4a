// The nginx configuration of one gateway, rendered from its admitted routes. Pure and deterministic: the
// same input in any order gives the same bytes, and the hash covers everything whose change a running
// gateway must reload (the configuration and the files beside it, not the API keys, which are read live).
import { createHash } from 'node:crypto';
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import {
  AI_MODEL_VARIABLE,
  AI_REQUESTED_MODEL_VARIABLE,
  AI_TOKEN_VARIABLES,
  CONSUMER_VARIABLE,
  aiHTTPDirectives,
  aiScriptFiles,
  metricsServer,
  routingTargetLocations,
  usesAIGateway,
} from './ai-locations.ts';
import { API_KEY_HANDLER, API_KEY_MODULE, API_KEY_SCRIPT, API_KEY_SCRIPT_FILE } from './api-key-script.ts';
import { backendUpstreams } from './backend-upstream.ts';
import { configStatusLocation, withConfigHash } from './config-status.ts';
import { allowMap, dispatchLocation, jumpTestCache } from './dispatch-location.ts';
import { GatewayRouteError } from './errors.ts';
import { gatewayOptions, type GatewayConfigInput, type GatewayOptions } from './gateway-options.ts';
import { planLocations } from './location-plan.ts';
import { block, comment, directive, nginxConfigText, type NginxNode } from './nginx-config-text.ts';
import {
  ALLOW_VARIABLE,
  API_KEY_CHECK_PATH,
  BAD_GATEWAY_LOCATION,
  GATEWAY_TIMEOUT_LOCATION,
  METHOD_NOT_ALLOWED_LOCATION,
  NOT_FOUND_LOCATION,
  RATE_LIMITED_LOCATION,
  ROUTE_NAME_VARIABLE,
  SERVICE_UNAVAILABLE_LOCATION,
  UNAUTHORIZED_LOCATION,
} from './nginx-names.ts';
import { proxyHeaderMaps, proxyHeaders, REQUEST_ID_VARIABLE } from './proxy-headers.ts';
import { quotedLiteral, quotedTemplate, quotedText } from './nginx-syntax.ts';
import { modelsByKey, prepareRoute, type NumberedRoute } from './prepared-route.ts';
import { refusedPathCheck, refusedPathMap } from './request-path-check.ts';
import { rateLimitZone, routeLocation } from './route-location.ts';
import { HEALTH_PATH } from './route-match.ts';
import { isConditional, routeSelectionMap } from './route-selection.ts';
import { namespaceOf } from '../kube/object-key.ts';

export const GATEWAY_CONFIG_FILE = 'nginx.conf';

export interface GatewayConfig {
  /** The text of nginx.conf. */
  config: string;
  /** Files that must sit next to nginx.conf (same directory), by name. */
  files: Record<string, string>;
  /** sha256 (hex) of config and files; nginx answers it at CONFIG_STATUS_PATH once it runs them. */
  hash: string;
}

/** The routes checked and numbered in the order of their names. */
function numberedRoutes(options: GatewayOptions): NumberedRoute[] {
  const context = {
    models: modelsByKey(options.models),
    clusterDomain: options.clusterDomain,
    allowLocalEgress: options.allowLocalEgress,
  };
  const seen = new Set<string>();
  return options.routes
    .map((route: APIGatewayRouteV1) => {
      const prepared = prepareRoute(route, context);
      if (namespaceOf(route) !== options.namespace) {
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
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((route, number) => ({ ...route, number }));
}

interface Features {
  usesAPIKeys: boolean;
  usesAI: boolean;
}

function logFormat(options: GatewayOptions, routes: number, features: Features): string {
  const ai = (variable: string) => (features.usesAI ? `"${variable}"` : '""');
  const fields: [string, string][] = [
    ['time', '"$time_iso8601"'],
    ['gateway', `"${options.namespace}/${options.gateway}"`],
    // Routes set the variable; without routes, nginx would not know it.
    ['route', routes > 0 ? `"${ROUTE_NAME_VARIABLE}"` : '""'],
    ['requestId', `"${REQUEST_ID_VARIABLE}"`],
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
    // Time to the first byte of the answer: what a streamed model answer keeps a client waiting.
    ['upstreamHeaderSeconds', '"$upstream_header_time"'],
    ['consumer', features.usesAPIKeys ? `"${CONSUMER_VARIABLE}"` : '""'],
    ['requestedModel', ai(AI_REQUESTED_MODEL_VARIABLE)],
    ['model', ai(AI_MODEL_VARIABLE)],
    ['promptTokens', ai(AI_TOKEN_VARIABLES.prompt)],
    ['completionTokens', ai(AI_TOKEN_VARIABLES.completion)],
    ['totalTokens', ai(AI_TOKEN_VARIABLES.total)],
  ];
  return `{${fields.map(([name, value]) => `"${name}":${value}`).join(',')}}`;
}

function jsonAnswer(location: string, status: number, body: object, headers: [string, string][]): NginxNode {
  return block(
    'location',
    [location],
    [
      ...headers.map(([name, value]) => directive('add_header', name, value, 'always')),
      directive('return', status, quotedTemplate(JSON.stringify(body))),
    ],
  );
}

/**
 * The gateway's own answers, each with a JSON body, and the error_page directives sending errors to them.
 * nginx answers 405 itself too (TRACE, for one), so the 405 answer is there even when no route names a
 * method; its Allow header only when some location sets the list, as nginx refuses an unknown variable.
 * 502 and 504 are nginx's when it cannot reach a backend (a name that does not resolve, a refused
 * connection or certificate) or gets no answer in time; a backend's own 502 or 504 passes unchanged.
 */
function errorAnswers(setsAllow: boolean): NginxNode[] {
  const answers: [number, string, NginxNode][] = [
    [
      401,
      UNAUTHORIZED_LOCATION,
      jsonAnswer(
        UNAUTHORIZED_LOCATION,
        401,
        {
          error: 'Unauthorized',
          message: 'a valid API key is required: Authorization: Bearer <key> or X-API-Key: <key>',
        },
        [['WWW-Authenticate', quotedTemplate('Bearer realm="gateway"')]],
      ),
    ],
    [
      404,
      NOT_FOUND_LOCATION,
      jsonAnswer(
        NOT_FOUND_LOCATION,
        404,
        { error: 'NotFound', message: 'no route of this gateway matches' },
        [],
      ),
    ],
    [
      405,
      METHOD_NOT_ALLOWED_LOCATION,
      jsonAnswer(
        METHOD_NOT_ALLOWED_LOCATION,
        405,
        { error: 'MethodNotAllowed', message: 'the routes of this path do not accept this method' },
        setsAllow ? [['Allow', ALLOW_VARIABLE]] : [],
      ),
    ],
    [
      429,
      RATE_LIMITED_LOCATION,
      jsonAnswer(RATE_LIMITED_LOCATION, 429, { error: 'TooManyRequests', message: 'rate limit exceeded' }, [
        ['Retry-After', '1'],
      ]),
    ],
    [
      503,
      SERVICE_UNAVAILABLE_LOCATION,
      jsonAnswer(
        SERVICE_UNAVAILABLE_LOCATION,
        503,
        {
          error: 'ServiceUnavailable',
          message: 'the provider key of the model is not available to the gateway',
        },
        [],
      ),
    ],
    [
      502,
      BAD_GATEWAY_LOCATION,
      jsonAnswer(
        BAD_GATEWAY_LOCATION,
        502,
        { error: 'BadGateway', message: 'the backend of the route could not be reached' },
        [],
      ),
    ],
    [
      504,
      GATEWAY_TIMEOUT_LOCATION,
      jsonAnswer(
        GATEWAY_TIMEOUT_LOCATION,
        504,
        {
          error: 'GatewayTimeout',
          message: 'the backend of the route did not answer within requestTimeoutSeconds',
        },
        [],
      ),
    ],
  ];
  return [
    ...answers.map(([status, location]) => directive('error_page', status, location)),
    ...answers.map(([, , location]) => location),
  ];
}

function httpBlock(options: GatewayOptions, routes: NumberedRoute[], features: Features): NginxNode {
  const { usesAPIKeys, usesAI } = features;
  const plans = planLocations(routes);
  const dispatches = plans.map((plan, i) => dispatchLocation(plan, i));
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
      refusedPathCheck(),
      block(
        'location',
        ['=', quotedLiteral(HEALTH_PATH)],
        [directive('access_log', 'off'), directive('return', 200, quotedTemplate('{"status":"ok"}'))],
      ),
      configStatusLocation(),
      ...(usesAPIKeys
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
      ...routes.map((route) => routeLocation(route, options)),
      ...routes.flatMap((route) => routingTargetLocations(route, options)),
      ...errorAnswers(dispatches.some((d) => d.allow !== undefined)),
    ],
  );
  return block(
    'http',
    [],
    [
      directive('server_tokens', 'off'),
      // What the gateway answers itself is JSON; proxied answers keep the backend's Content-Type.
      directive('default_type', 'application/json'),
      directive('client_max_body_size', '32m'),
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) =>
        directive(`${kind}_temp_path`, quotedText(`${run}/${kind}_temp`)),
      ),
      // Route variables are unset on requests no route takes; that is expected, not worth a warning each.
      directive('uninitialized_variable_warn', 'off'),
      directive(
        'log_format',
        'gateway',
        'escape=json',
        quotedTemplate(logFormat(options, routes.length, features)),
      ),
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
      ...(routes.length > 0 ? jumpTestCache() : []),
      ...(usesAPIKeys
        ? [directive('js_import', API_KEY_MODULE, 'from', quotedText(API_KEY_SCRIPT_FILE))]
        : []),
      ...(usesAI ? aiHTTPDirectives() : []),
      // The headers read the upstream host that only routes set; the maps serve the access log too.
      ...(routes.length > 0
        ? [directive('proxy_http_version', '1.1'), ...proxyHeaders({ consumesAPIKey: false })]
        : []),
      ...proxyHeaderMaps(),
      refusedPathMap(),
      ...backendUpstreams(routes),
      ...routes.flatMap(rateLimitZone),
      ...routes.flatMap((route) => (isConditional(route) ? [routeSelectionMap(route)] : [])),
      ...dispatches.flatMap((d) => d.maps),
      ...allowMap(dispatches),
      server,
      metricsServer(options, usesAI),
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
  const routes = numberedRoutes(options);
  const usesAPIKeys = routes.some((r) => r.authentication.required && r.authentication.secret !== undefined);
  const usesAI = routes.some(usesAIGateway);
  const nodes: NginxNode[] = [
    comment(
      `Gateway ${options.namespace}/${options.gateway}, rendered by ai-gateway-operator from its APIGatewayRoutes.`,
    ),
    ...(usesAPIKeys || usesAI
      ? [directive('load_module', quotedText(`${options.modulesDirectory}/ngx_http_js_module.so`))]
      : []),
    directive('worker_processes', options.workerProcesses),
    // Every request runs regular expressions (the path check, route selection); nginx interprets them
    // unless told to compile them, at several times the cost.
    directive('pcre_jit', 'on'),
    directive('pid', quotedText(`${options.runtimeDirectory}/nginx.pid`)),
    directive('error_log', options.errorLog === 'stderr' ? 'stderr' : quotedText(options.errorLog), 'warn'),
    block('events', [], [directive('worker_connections', 4096)]),
    httpBlock(options, routes, { usesAPIKeys, usesAI }),
  ];
  const config = nginxConfigText(nodes);
  const files: Record<string, string> = {
    ...(usesAPIKeys ? { [API_KEY_SCRIPT_FILE]: API_KEY_SCRIPT } : {}),
    ...(usesAI ? aiScriptFiles(routes) : {}),
  };
  const hash = configHash(config, files);
  return { config: withConfigHash(config, hash), files, hash };
}
