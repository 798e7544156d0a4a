// The njs module of the AI gateway, written next to nginx.conf: provider credentials read at request
// time, the OpenAI-compatible endpoint that chooses the model by the request body, per-consumer limits,
// and token accounting from the models' answers into the access log and the gateway's metrics. The
// routes' tables are data in the module, so the configuration hash covers them.
import type { AIRouting } from './ai-route.ts';

export const AI_SCRIPT_FILE = 'gateway-ai.js';
export const AI_MODULE = 'gateway_ai';
/** Shared memory of the counters the metrics endpoint reports; an entry that does not fit evicts the oldest. */
export const AI_METRICS_ZONE = 'gw_ai_metrics';
/** Shared memory of the consumers' request and token windows, each entry expiring with its window. */
export const AI_LIMITS_ZONE = 'gw_ai_limits';
/** Credentials per request: one model and up to three fallbacks, each read into its own variable. */
export const MAX_TARGETS = 4;
/** The end of an answer searched for its usage: OpenAI-compatible servers put usage last. */
const USAGE_TAIL_BYTES = 8192;

/** What the module knows of one aiModelRouting route, by route id. */
export interface RoutingTable {
  /** The route's path without a trailing "/": what precedes the operation. */
  prefix: string;
  models: Record<
    string,
    {
      owner: string;
      /** Per target: its named location and the model name the provider is asked for. */
      targets: { location: string; providerModel: string }[];
    }
  >;
  consumers: Record<string, { rate: number; models?: string[]; budget?: { tokens: number; window: number } }>;
}

export function routingTable(
  prefix: string,
  routing: AIRouting,
  location: (model: number, target: number) => string,
): RoutingTable {
  const models: RoutingTable['models'] = {};
  routing.models.forEach((model, m) => {
    models[model.modelName] = {
      owner: model.provider,
      targets: model.targets.map((target, t) => ({
        location: location(m, t),
        providerModel: target.providerModelName,
      })),
    };
  });
  const consumers: RoutingTable['consumers'] = {};
  for (const consumer of routing.consumers) {
    consumers[consumer.name] = {
      rate: consumer.rateLimit,
      ...(consumer.allowedModelNames ? { models: consumer.allowedModelNames } : {}),
      ...(consumer.tokenBudget
        ? { budget: { tokens: consumer.tokenBudget.tokens, window: consumer.tokenBudget.windowSeconds } }
        : {}),
    };
  }
  return { prefix, models, consumers };
}

/** The module's text for the routing tables of the gateway's aiModelRouting routes, by route id. */
export function aiGatewayScript(tables: Record<string, RoutingTable>): string {
  const sorted = Object.fromEntries(
    Object.keys(tables)
      .sort()
      .map((id) => [id, tables[id]]),
  );
  return String.raw`// AI gateway of the routes, rendered by ai-gateway-operator.
// No state is kept in the module between requests (njs reuses a VM for many): per request state lives in
// nginx variables, shared state in the shared dictionaries.
import fs from 'fs';

var ROUTES = ${JSON.stringify(sorted)};
var OPERATIONS = { '/chat/completions': true, '/completions': true, '/embeddings': true };
var TAIL = ${USAGE_TAIL_BYTES};
// A provider key is a header value: visible ASCII and spaces inside, nothing that could end the header.
var CREDENTIAL = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

function has(object, key) {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function credential(r, k) {
  var file = r.variables['gw_credential_file_' + k];
  if (!file) return '';
  var value;
  try {
    value = fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    r.warn('AI gateway: cannot read the provider key ' + file + ': ' + e.message);
    return '';
  }
  if (!CREDENTIAL.test(value)) {
    r.warn('AI gateway: the provider key in ' + file + ' is not a header value');
    return '';
  }
  return value;
}
function credential0(r) { return credential(r, 0); }
function credential1(r) { return credential(r, 1); }
function credential2(r) { return credential(r, 2); }
function credential3(r) { return credential(r, 3); }

function openAIError(r, status, message, type, code, param) {
  r.headersOut['Content-Type'] = 'application/json';
  r.return(status, JSON.stringify({
    error: { message: message, type: type, param: param === undefined ? null : param, code: code }
  }));
}

function allowed(limits, model) {
  return !limits || !limits.models || limits.models.indexOf(model) !== -1;
}

function listModels(r, table, limits) {
  var data = [];
  var names = Object.keys(table.models).sort();
  for (var i = 0; i < names.length; i++) {
    if (allowed(limits, names[i])) {
      data.push({ id: names[i], object: 'model', created: 0, owned_by: table.models[names[i]].owner });
    }
  }
  r.headersOut['Content-Type'] = 'application/json';
  r.return(200, JSON.stringify({ object: 'list', data: data }));
}

function windowKey(kind, route, consumer, start) {
  return kind + '\u0001' + route + '\u0001' + consumer + '\u0001' + start;
}

// Fixed one-second windows, counted across the workers of the pod.
function overRate(route, consumer, limits) {
  if (!limits || !limits.rate) return false;
  var second = Math.floor(Date.now() / 1000);
  return ngx.shared.${AI_LIMITS_ZONE}.incr(windowKey('r', route, consumer, second), 1, 0, 2000) > limits.rate;
}

function budgetWindow(limits) {
  var start = Math.floor(Date.now() / 1000 / limits.budget.window) * limits.budget.window;
  return { start: start, end: start + limits.budget.window };
}

function budgetSpent(route, consumer, limits) {
  if (!limits || !limits.budget) return false;
  var w = budgetWindow(limits);
  var spent = ngx.shared.${AI_LIMITS_ZONE}.get(windowKey('b', route, consumer, w.start)) || 0;
  return spent >= limits.budget.tokens ? w.end - Math.floor(Date.now() / 1000) : false;
}

// The OpenAI API below the route's path: the body's "model" chooses the AIModel, whose named locations
// (the model, then its fallbacks) proxy the request.
function route(r) {
  var id = r.variables.gw_route_name;
  var table = has(ROUTES, id) ? ROUTES[id] : null;
  if (!table) {
    openAIError(r, 500, 'the gateway has no table for this route', 'server_error', 'internal_error');
    return;
  }
  var operation = r.uri.slice(table.prefix.length);
  var consumer = r.variables.gw_consumer || '';
  var limits = consumer !== '' && has(table.consumers, consumer) ? table.consumers[consumer] : null;
  if (operation === '/models') {
    if (r.method !== 'GET' && r.method !== 'HEAD') {
      r.headersOut['Allow'] = 'GET, HEAD';
      openAIError(r, 405, 'Method ' + r.method + ' is not allowed for ' + r.uri, 'invalid_request_error', 'method_not_allowed');
      return;
    }
    listModels(r, table, limits);
    return;
  }
  if (!has(OPERATIONS, operation)) {
    openAIError(r, 404, 'Unknown request URL: ' + r.method + ' ' + r.uri, 'invalid_request_error', 'unknown_url');
    return;
  }
  if (r.method !== 'POST') {
    r.headersOut['Allow'] = 'POST';
    openAIError(r, 405, 'Method ' + r.method + ' is not allowed for ' + r.uri, 'invalid_request_error', 'method_not_allowed');
    return;
  }
  var text = r.requestText;
  if (typeof text !== 'string') {
    openAIError(r, 413, 'The request body is too large for the gateway.', 'invalid_request_error', 'request_too_large');
    return;
  }
  var body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    openAIError(r, 400, 'The request body is not valid JSON: ' + e.message, 'invalid_request_error', 'invalid_json');
    return;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || typeof body.model !== 'string') {
    openAIError(r, 400, 'You must provide a model parameter.', 'invalid_request_error', 'missing_model', 'model');
    return;
  }
  var model = body.model;
  if (!has(table.models, model) || !allowed(limits, model)) {
    openAIError(r, 404, 'The model ' + JSON.stringify(model) + ' does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found', 'model');
    return;
  }
  if (overRate(id, consumer, limits)) {
    r.headersOut['Retry-After'] = '1';
    openAIError(r, 429, 'Rate limit reached for consumer ' + consumer + '.', 'requests', 'rate_limit_exceeded');
    return;
  }
  var wait = budgetSpent(id, consumer, limits);
  if (wait !== false) {
    r.headersOut['Retry-After'] = String(wait);
    openAIError(r, 429, 'Token budget of consumer ' + consumer + ' is spent for this window.', 'tokens', 'token_budget_exceeded');
    return;
  }
  var targets = table.models[model].targets;
  r.variables.gw_ai_operation = operation;
  r.variables.gw_ai_requested_model = model;
  for (var t = 0; t < targets.length; t++) {
    var provider = targets[t].providerModel;
    if (provider === model) {
      r.variables['gw_ai_body_' + t] = text;
    } else {
      body.model = provider;
      r.variables['gw_ai_body_' + t] = JSON.stringify(body);
    }
  }
  r.internalRedirect(targets[0].location);
}

// Compiled once; each use starts from the beginning (lastIndex), as the VM serves many requests.
var USAGE = {
  prompt_tokens: /"prompt_tokens"\s*:\s*(\d+)/g,
  input_tokens: /"input_tokens"\s*:\s*(\d+)/g,
  completion_tokens: /"completion_tokens"\s*:\s*(\d+)/g,
  output_tokens: /"output_tokens"\s*:\s*(\d+)/g
};

function lastNumber(text, name) {
  var pattern = USAGE[name];
  pattern.lastIndex = 0;
  var found;
  var last = null;
  while ((found = pattern.exec(text)) !== null) last = Number(found[1]);
  return last;
}

function count(key, delta) {
  try {
    ngx.shared.${AI_METRICS_ZONE}.incr(key, delta, 0);
  } catch (e) {
    // Full even after eviction: the counter is lost, the request is not.
  }
}

function labels(r) {
  return [r.variables.gw_route_name || '', r.variables.gw_consumer || '', r.variables.gw_ai_model || ''].join('\u0001');
}

// Passes the answer on unchanged and reads the usage at its end: the last prompt_tokens and
// completion_tokens (OpenAI's usage, also in the final event of a stream that asked for it).
function usage(r, data, flags) {
  r.sendBuffer(data, flags);
  // Only the last TAIL bytes are ever kept: a longer chunk is not decoded whole.
  var chunk = data.length > TAIL ? data.subarray(data.length - TAIL) : data;
  var tail = (r.variables.gw_ai_tail || '') + chunk.toString();
  if (tail.length > TAIL) tail = tail.slice(tail.length - TAIL);
  r.variables.gw_ai_tail = tail;
  if (!flags.last) return;
  var prompt = lastNumber(tail, 'prompt_tokens');
  if (prompt === null) prompt = lastNumber(tail, 'input_tokens');
  var completion = lastNumber(tail, 'completion_tokens');
  if (completion === null) completion = lastNumber(tail, 'output_tokens');
  var key = labels(r);
  count('requests\u0001' + key + '\u0001' + r.status, 1);
  if (prompt === null && completion === null) return;
  prompt = prompt || 0;
  completion = completion || 0;
  r.variables.gw_ai_prompt_tokens = String(prompt);
  r.variables.gw_ai_completion_tokens = String(completion);
  r.variables.gw_ai_total_tokens = String(prompt + completion);
  count('input\u0001' + key, prompt);
  count('output\u0001' + key, completion);
  var id = r.variables.gw_route_name;
  var consumer = r.variables.gw_consumer || '';
  var table = has(ROUTES, id) ? ROUTES[id] : null;
  var limits = table && consumer !== '' && has(table.consumers, consumer) ? table.consumers[consumer] : null;
  if (limits && limits.budget) {
    var w = budgetWindow(limits);
    try {
      ngx.shared.${AI_LIMITS_ZONE}.incr(windowKey('b', id, consumer, w.start), prompt + completion, 0, (w.end - Math.floor(Date.now() / 1000) + 1) * 1000);
    } catch (e) {
      r.warn('AI gateway: cannot record the tokens of consumer ' + consumer + ': ' + e.message);
    }
  }
}

function label(name, value) {
  return name + '="' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

// Prometheus text of the counters, named after the OpenTelemetry GenAI conventions.
function metrics(r) {
  var items = ngx.shared.${AI_METRICS_ZONE}.items(100000);
  var requests = [];
  var tokens = [];
  for (var i = 0; i < items.length; i++) {
    var parts = items[i][0].split('\u0001');
    var common = label('route', parts[1]) + ',' + label('consumer', parts[2]) + ',' + label('gen_ai_request_model', parts[3]);
    if (parts[0] === 'requests') {
      requests.push('gen_ai_gateway_requests_total{' + common + ',' + label('code', parts[4]) + '} ' + items[i][1]);
    } else {
      tokens.push('gen_ai_client_token_usage_total{' + common + ',' + label('gen_ai_token_type', parts[0]) + '} ' + items[i][1]);
    }
  }
  requests.sort();
  tokens.sort();
  var text = '# HELP gen_ai_gateway_requests_total Answers of models proxied by the gateway, by route, consumer, model and status code.\n' +
    '# TYPE gen_ai_gateway_requests_total counter\n' + requests.join('\n') + (requests.length ? '\n' : '') +
    '# HELP gen_ai_client_token_usage_total Tokens the models reported in usage, by route, consumer, model and token type (input, output).\n' +
    '# TYPE gen_ai_client_token_usage_total counter\n' + tokens.join('\n') + (tokens.length ? '\n' : '');
  r.headersOut['Content-Type'] = 'text/plain; version=0.0.4; charset=utf-8';
  r.return(200, text);
}

export default {
  route: route,
  usage: usage,
  metrics: metrics,
  credential0: credential0,
  credential1: credential1,
  credential2: credential2,
  credential3: credential3
};
`;
}
