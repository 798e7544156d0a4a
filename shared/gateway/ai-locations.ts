// The nginx side of the AI gateway (see ai-gateway-script.ts for the njs side): the http-level
// declarations, the credential check of a model target, the named location of each model a route may
// send a request to (with the next fallback as its error page), and the server that answers the
// gateway's metrics.
import {
  AI_LIMITS_ZONE,
  AI_METRICS_ZONE,
  AI_MODULE,
  AI_SCRIPT_FILE,
  MAX_TARGETS,
  aiGatewayScript,
  routingTable,
  type RoutingTable,
} from './ai-gateway-script.ts';
import type { ModelTarget } from './ai-route.ts';
import { backendUpstream } from './backend-upstream.ts';
import type { GatewayOptions } from './gateway-options.ts';
import { block, comment, directive, type NginxBlock, type NginxNode } from './nginx-config-text.ts';
import { routeLocationName, UPSTREAM_HOST_VARIABLE } from './nginx-names.ts';
import { quotedLiteral, quotedText } from './nginx-syntax.ts';
import type { NumberedRoute } from './prepared-route.ts';
import { proxyHeaders, proxyTimeouts } from './proxy-headers.ts';

/** The AIModel that answered (or is being asked), for the log, the metrics and the answer's header. */
export const AI_MODEL_VARIABLE = '$gw_ai_model';
export const AI_REQUESTED_MODEL_VARIABLE = '$gw_ai_requested_model';
export const CONSUMER_VARIABLE = '$gw_consumer';
export const AI_TOKEN_VARIABLES = {
  prompt: '$gw_ai_prompt_tokens',
  completion: '$gw_ai_completion_tokens',
  total: '$gw_ai_total_tokens',
} as const;
/** The header that tells the client which AIModel answered. */
export const ANSWERED_BY_HEADER = 'X-AI-Gateway-Model';
/** Statuses after which the next fallback is asked: the model failed or is out of capacity. */
const FALLBACK_STATUSES = [429, 500, 502, 503, 504];
/** In-cluster models serve the OpenAI API under /v1, as vLLM, TGI, llama.cpp and Ollama do. */
const SERVICE_API_BASE = '/v1';
/** A request body an aiModelRouting route reads to choose the model is kept in memory up to this size. */
const ROUTING_BODY_BUFFER = '32m';

/** Whether the route uses the AI gateway's njs module: it routes by model or reaches an AIModel. */
export function usesAIGateway(route: NumberedRoute): boolean {
  return route.aiRouting !== undefined || route.route.spec.aiModelRef !== undefined;
}

export function aiHTTPDirectives(): NginxNode[] {
  const variables = [
    '$gw_ai_operation',
    AI_REQUESTED_MODEL_VARIABLE,
    '$gw_ai_tail',
    ...Object.values(AI_TOKEN_VARIABLES),
    ...Array.from({ length: MAX_TARGETS }, (_, t) => `$gw_ai_body_${t}`),
  ];
  return [
    directive('js_import', AI_MODULE, 'from', quotedText(AI_SCRIPT_FILE)),
    // Counters outlive requests: no timeout. About 10 000 label sets fit; beyond, new ones are not counted.
    directive('js_shared_dict_zone', `zone=${AI_METRICS_ZONE}:4m`, 'type=number'),
    // Each entry carries the timeout of its window.
    directive('js_shared_dict_zone', `zone=${AI_LIMITS_ZONE}:1m`, 'type=number', 'timeout=60s', 'evict'),
    ...variables.map((v) => directive('js_var', v)),
    ...Array.from({ length: MAX_TARGETS }, (_, t) =>
      directive('js_set', `$gw_credential_${t}`, `${AI_MODULE}.credential${t}`),
    ),
  ];
}

/**
 * The target's provider key, read from the mounted Secret when the request is proxied (so a rotated key
 * applies at once) into the header its scheme names. Without a key the request is never sent: 503, or the
 * next fallback.
 */
function credentialDirectives(target: ModelTarget, index: number, options: GatewayOptions): NginxNode[] {
  const credentials = target.credentials;
  if (credentials === undefined) return [];
  return [
    directive(
      'set',
      `$gw_credential_file_${index}`,
      quotedText(`${options.credentialsDirectory}/${credentials.file}`),
    ),
    block('if', [`($gw_credential_${index} = "")`], [directive('return', 503)]),
  ];
}

function targetHeaders(target: ModelTarget, index: number, consumesAPIKey: boolean): NginxNode[] {
  const credentials = target.credentials;
  return [
    ...proxyHeaders(
      credentials
        ? {
            consumesAPIKey,
            credential: {
              header: credentials.header.name,
              value: quotedLiteral(`${credentials.header.prefix}$gw_credential_${index}`),
            },
          }
        : { consumesAPIKey },
    ),
    // The answer is read for its usage, so it must not be compressed.
    directive('proxy_set_header', 'Accept-Encoding', '""'),
  ];
}

/**
 * What every location that proxies to a model does besides proxy_pass: Host, credentials, headers,
 * accounting, TLS. Its rewrite-module directives (set, if) come first, before any `rewrite ... break`.
 */
export function modelProxyDirectives(
  target: ModelTarget,
  index: number,
  route: NumberedRoute,
  options: GatewayOptions,
): NginxNode[] {
  const backend = target.backend;
  const consumesAPIKey = route.authentication.required && route.authentication.secret !== undefined;
  const tls =
    backend.kind === 'endpoint' && backend.scheme === 'https'
      ? [
          directive('proxy_ssl_server_name', 'on'),
          directive('proxy_ssl_name', quotedText(backend.host.replace(/^\[(.*)\]$/, '$1'))),
          directive('proxy_ssl_verify', 'on'),
          directive('proxy_ssl_verify_depth', 4),
          directive('proxy_ssl_trusted_certificate', quotedText(options.trustedCertificatesFile)),
        ]
      : [];
  return [
    directive(
      'set',
      UPSTREAM_HOST_VARIABLE,
      backend.kind === 'endpoint' ? quotedText(backend.authority) : '$host',
    ),
    directive('set', AI_MODEL_VARIABLE, quotedText(target.model)),
    ...credentialDirectives(target, index, options),
    ...targetHeaders(target, index, consumesAPIKey),
    directive('add_header', ANSWERED_BY_HEADER, quotedText(target.model), 'always'),
    ...proxyTimeouts(route.timeoutSeconds),
    // Models answer token by token; buffering would hold the stream back.
    directive('proxy_buffering', 'off'),
    directive('js_body_filter', `${AI_MODULE}.usage`, 'buffer_type=buffer'),
    ...tls,
  ];
}

function targetLocationName(route: number, model: number, target: number): string {
  return `@${routeLocationName(route)}_ai_${model}_${target}`;
}

/** The model's API base: its endpoint's path, or /v1 of an in-cluster model. */
function apiBase(target: ModelTarget): string {
  return target.backend.kind === 'endpoint' ? target.backend.encodedBasePath : SERVICE_API_BASE;
}

/**
 * The named locations of an aiModelRouting route: per model, one per target in order, each sending its
 * failures (connection error, timeout, 5xx, 429: before anything reached the client) to the next.
 */
export function routingTargetLocations(route: NumberedRoute, options: GatewayOptions): NginxBlock[] {
  const routing = route.aiRouting;
  if (routing === undefined) return [];
  return routing.models.flatMap((model, m) =>
    model.targets.map((target, t) => {
      const next = t + 1 < model.targets.length ? targetLocationName(route.number, m, t + 1) : undefined;
      const upstream = backendUpstream(target.backend);
      return block(
        'location',
        [targetLocationName(route.number, m, t)],
        [
          comment(
            `APIGatewayRoute ${route.id}: model ${JSON.stringify(model.modelName)}, target ${t}: AIModel ${target.model}`,
          ),
          ...modelProxyDirectives(target, t, route, options),
          directive('proxy_set_body', `$gw_ai_body_${t}`),
          ...(next
            ? [
                directive('proxy_intercept_errors', 'on'),
                directive('recursive_error_pages', 'on'),
                directive('error_page', ...FALLBACK_STATUSES, '=', next),
              ]
            : []),
          directive(
            'proxy_pass',
            quotedLiteral(`${upstream.url}${apiBase(target)}$gw_ai_operation$is_args$args`),
          ),
        ],
      );
    }),
  );
}

/** The route location's content for aiModelRouting: the body is read and the njs module chooses. */
export function routingContent(): NginxNode[] {
  return [
    directive('client_body_buffer_size', ROUTING_BODY_BUFFER),
    directive('js_content', `${AI_MODULE}.route`),
  ];
}

function routingTables(routes: readonly NumberedRoute[]): Record<string, RoutingTable> {
  const tables: Record<string, RoutingTable> = {};
  for (const route of routes) {
    if (route.aiRouting === undefined) continue;
    const prefix = route.match.path === '/' ? '' : route.match.path.replace(/\/+$/, '');
    tables[route.id] = routingTable(prefix, route.aiRouting, (m, t) =>
      targetLocationName(route.number, m, t),
    );
  }
  return tables;
}

export function aiScriptFiles(routes: readonly NumberedRoute[]): Record<string, string> {
  return { [AI_SCRIPT_FILE]: aiGatewayScript(routingTables(routes)) };
}

/**
 * The gateway's metrics, on their own port: never reachable through the routes' port. A gateway without
 * routes to AIModels has no counters and answers an empty exposition, so that every gateway pod is a
 * scrape target that is up.
 */
export function metricsServer(options: GatewayOptions, usesAI: boolean): NginxBlock {
  const listen = options.listenAddress
    ? `${options.listenAddress}:${options.metricsPort}`
    : `${options.metricsPort}`;
  return block(
    'server',
    [],
    [
      directive('listen', listen),
      directive('access_log', 'off'),
      block(
        'location',
        ['=', '/metrics'],
        usesAI
          ? [directive('js_content', `${AI_MODULE}.metrics`)]
          : [
              directive('default_type', quotedLiteral('text/plain; version=0.0.4; charset=utf-8')),
              directive('return', 200, '""'),
            ],
      ),
      block('location', ['/'], [directive('return', 404)]),
    ],
  );
}
