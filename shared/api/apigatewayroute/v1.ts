// APIGatewayRoute gateway.example.com/v1: the storage version and conversion hub. It keeps the original
// v1 fields exactly (path, method, destinationService, destinationPort, rateLimit, authenticationRequired)
// and adds what a real gateway route needs, all optional and bounded.
import type { Condition, KubeObject, ObjectMeta } from '../../kube/meta-v1-types.ts';
import type { JSONSchema } from '../schema/json-schema.ts';
import {
  DNS_LABEL_PATTERN,
  DNS_SUBDOMAIN_PATTERN,
  HOSTNAME_PATTERN,
  arrayField,
  booleanField,
  cel,
  conditionsField,
  enumField,
  integerField,
  nameReference,
  objectField,
  objectRootSchema,
  observedGenerationField,
  stringField,
} from '../schema/primitives.ts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type HTTPMethod = (typeof HTTP_METHODS)[number];

export const PATH_MATCH_TYPES = ['PathPrefix', 'Exact'] as const;
export type PathMatchType = (typeof PATH_MATCH_TYPES)[number];

export const ROUTE_STATES = ['Ready', 'Pending', 'Failed'] as const;
export type RouteState = (typeof ROUTE_STATES)[number];

/** Characters a path may hold: RFC 3986 path characters without those a proxy config would interpret. */
export const ROUTE_PATH_PATTERN = '^/[A-Za-z0-9._~%!&()*+,=:@/-]*$';
export const HEADER_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9-]*$';
/** Visible ASCII without quotes, backslashes, `$`, braces or `;`. */
const HEADER_VALUE_CHARACTERS = "!#%&'()*+,\\-./0-9:<=>?@A-Z\\[\\]^_`a-z|~";
/**
 * Those characters, with spaces only between them: nginx trims a request header's value, so a value that
 * starts or ends with a space could never match. Emptiness is minLength's to report.
 */
export const HEADER_VALUE_PATTERN = `^([${HEADER_VALUE_CHARACTERS}]([ ${HEADER_VALUE_CHARACTERS}]*[${HEADER_VALUE_CHARACTERS}])?)?$`;
/**
 * What the gateway refuses in a request path (shared/gateway/request-path-check.ts), so a route path
 * holding it could never be reached: an escaped "/", "\\", ";", "?", "#", "%" or ".", or a dot segment.
 */
export const UNREACHABLE_ROUTE_PATH_PATTERN = '%(2[fFeE35]|5[cC]|3[bBfF])|/[.][.]?(/|$)';
export const UNREACHABLE_ROUTE_PATH_DETAIL =
  'must not hold an escaped "/", "\\", ";", "?", "#", "%" or ".", nor a "." or ".." segment: the gateway refuses requests for such paths';
/**
 * Digits and dots only: an IP address to a resolver, and neither a Service name (which starts with a
 * letter) nor a DNS name (whose top-level label is never all digits). `[.]` needs no escape in CEL.
 */
export const NUMERIC_HOST_PATTERN = '^[0-9]+([.][0-9]+)*$';
export const NOT_AN_IP_ADDRESS_DETAIL = 'must be a Service name, not an IP address';
const MAX_GATEWAY_NAME_LENGTH = 50;
export const ONE_BACKEND_DETAIL =
  'exactly one of destinationService, aiModelRef or aiModelRouting must be set';

interface HeaderMatch {
  /** Header name, matched case-insensitively. */
  name: string;
  /** Exact value the header must have. */
  value: string;
}

interface LocalObjectReference {
  name: string;
}

const MAX_ROUTED_MODELS = 32;
const MAX_CONSUMERS = 64;
/** A consumer is a data key of the route's API-key Secret. */
export const CONSUMER_NAME_PATTERN = '^[-_a-zA-Z0-9][-._a-zA-Z0-9]*$';

interface AIModelRouting {
  /** AIModels in the route's namespace; the request body's "model" chooses one by its spec.modelName. */
  models: LocalObjectReference[];
}

interface TokenBudget {
  /** Tokens (prompt and completion) a consumer may use per window. */
  tokens: number;
  windowSeconds: number;
}

interface Consumer {
  /** A data key of the route's API-key Secret: the consumer that presents that key. */
  name: string;
  /** Requests per second; unset: only the route's limit. */
  rateLimit?: number;
  /** AIModel names (metadata.name) the consumer may use; unset: all the route serves. */
  allowedModels?: string[];
  tokenBudget?: TokenBudget;
}

export interface APIGatewayRouteSpecV1 {
  path: string;
  method: HTTPMethod;
  destinationService?: string;
  destinationPort?: number;
  rateLimit?: number;
  authenticationRequired?: boolean;
  gateway?: string;
  pathMatch?: PathMatchType;
  hosts?: string[];
  headers?: HeaderMatch[];
  burst?: number;
  requestTimeoutSeconds?: number;
  aiModelRef?: LocalObjectReference;
  apiKeySecretRef?: LocalObjectReference;
  aiModelRouting?: AIModelRouting;
  consumers?: Consumer[];
}

export interface APIGatewayRouteStatusV1 {
  observedGeneration?: number;
  state?: RouteState;
  message?: string;
  lastReconciledTime?: string;
  conditions?: Condition[];
}

export interface APIGatewayRouteV1 extends KubeObject {
  apiVersion: 'gateway.example.com/v1';
  kind: 'APIGatewayRoute';
  metadata: ObjectMeta;
  spec: APIGatewayRouteSpecV1;
  status?: APIGatewayRouteStatusV1;
}

const apiGatewayRouteSpecV1Schema: JSONSchema = objectField(
  'APIGatewayRouteSpec is the desired routing of one path of a gateway to one backend.',
  {
    path: stringField(
      'The incoming request path to match. Must start with "/"; may hold the characters of an RFC 3986 path except quotes, "$", ";", braces and whitespace, and no escaped "/", "\\", ";", "?", "#", "%" or "." nor "." or ".." segments (the gateway refuses such request paths).',
      {
        minLength: 1,
        maxLength: 1024,
        pattern: ROUTE_PATH_PATTERN,
        'x-kubernetes-validations': [
          cel(`!self.matches('${UNREACHABLE_ROUTE_PATH_PATTERN}')`, UNREACHABLE_ROUTE_PATH_DETAIL),
        ],
      },
    ),
    method: enumField(
      'HTTP method to match. ANY matches every method; another method on a matched path is answered 405.',
      HTTP_METHODS,
    ),
    destinationService: stringField(
      'The Kubernetes Service to route traffic to: a Service name in the route\'s namespace or a DNS name such as "my-svc.other-ns.svc.cluster.local", not an IP address, and not a loopback or cloud metadata name (localhost, *.localhost, metadata.google.internal, ...) unless the operator is installed with security.allowLocalEgress. Exactly one of destinationService and aiModelRef must be set.',
      {
        minLength: 1,
        maxLength: 253,
        pattern: DNS_SUBDOMAIN_PATTERN,
        'x-kubernetes-validations': [
          cel(`!self.matches('${NUMERIC_HOST_PATTERN}')`, NOT_AN_IP_ADDRESS_DETAIL),
        ],
      },
    ),
    destinationPort: integerField('The port on the destination Service. Required with destinationService.', {
      minimum: 1,
      maximum: 65535,
      format: 'int32',
    }),
    rateLimit: integerField(
      'Requests per second allowed for this route, per client address; 0 means no limit. Requests past the limit (and burst) are answered 429.',
      { minimum: 0, maximum: 1000000, format: 'int32' },
    ),
    authenticationRequired: booleanField(
      'Whether requests must carry a valid API key ("Authorization: Bearer <key>" or "X-API-Key: <key>"); others are answered 401.',
    ),
    gateway: stringField(
      'Name of the gateway in this namespace that serves the route. Routes naming the same gateway share one gateway Deployment.',
      { minLength: 1, maxLength: MAX_GATEWAY_NAME_LENGTH, pattern: DNS_LABEL_PATTERN, default: 'default' },
    ),
    pathMatch: enumField(
      'How path is matched: PathPrefix (the path and everything below it, longest prefix wins) or Exact (the path only; beats a prefix).',
      PATH_MATCH_TYPES,
      { default: 'PathPrefix' },
    ),
    hosts: arrayField(
      'Host names (the Host header) the route answers for; empty means all. A leading "*." matches any one or more labels.',
      stringField('A host name, optionally with a leading "*." wildcard.', {
        minLength: 1,
        maxLength: 253,
        pattern: HOSTNAME_PATTERN,
      }),
      { maxItems: 16, 'x-kubernetes-list-type': 'set' },
    ),
    headers: arrayField(
      'Request headers that must all be present with exactly these values for the route to match.',
      objectField(
        'HeaderMatch requires one request header to have an exact value.',
        {
          name: stringField('Header name, matched case-insensitively.', {
            minLength: 1,
            maxLength: 256,
            pattern: HEADER_NAME_PATTERN,
          }),
          value: stringField(
            'Exact header value: not empty, and without leading or trailing spaces, which the gateway trims from request headers.',
            { minLength: 1, maxLength: 1024, pattern: HEADER_VALUE_PATTERN },
          ),
        },
        { required: ['name', 'value'] },
      ),
      { maxItems: 16, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    ),
    burst: integerField(
      'Requests allowed above rateLimit in a short burst before 429 is answered. Only with a rateLimit above 0.',
      { minimum: 0, maximum: 1000000, format: 'int32' },
    ),
    requestTimeoutSeconds: integerField(
      'How long the gateway waits for the backend to answer before it answers 504.',
      { minimum: 1, maximum: 3600, format: 'int32', default: 60 },
    ),
    aiModelRef: nameReference(
      'An AIModel in this namespace whose Service receives the traffic, instead of destinationService.',
      'AIModel',
    ),
    apiKeySecretRef: nameReference(
      'A Secret in this namespace holding the accepted API keys: each data value is one key, of 1 to 512 characters from A-Z, a-z, 0-9 and "-._~+/" with optional trailing "=" (surrounding whitespace, such as a final newline, is ignored); data key names are free but must not start with ".". The gateway pods mount the Secret and read it on every request, so keys added or removed apply as soon as the kubelet updates the mount (about a minute), without a restart. Used when authenticationRequired is true; without it, every request is answered 401.',
      'Secret',
    ),
    aiModelRouting: objectField(
      `Serves the OpenAI API below path, choosing the AIModel by the request body's "model": POST <path>/chat/completions, <path>/completions and <path>/embeddings go to the model whose spec.modelName it names (with its credentials, and its fallbacks when it cannot answer), GET <path>/models lists the models the caller may use. An unknown or forbidden model is answered 404 in OpenAI's error format. The request reaches the model's endpoint path plus the operation (an in-cluster model: /v1 plus the operation). method must be ANY or POST (POST: no model list). Instead of destinationService and aiModelRef.`,
      {
        models: arrayField(
          'The AIModels in this namespace the route serves; their modelNames must differ.',
          nameReference('A reference to an AIModel in the same namespace.', 'AIModel'),
          {
            minItems: 1,
            maxItems: MAX_ROUTED_MODELS,
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
          },
        ),
      },
      { required: ['models'] },
    ),
    consumers: arrayField(
      "Named consumers of an aiModelRouting route with authenticationRequired: each is a data key of the apiKeySecretRef Secret, whose value is that consumer's key. A consumer may have its own request rate, an allowlist of models and a token budget; the access log and the gateway's metrics count requests and tokens per consumer. Keys of the Secret not listed here still pass, as consumers without limits.",
      objectField(
        'A consumer of the route: limits that apply to requests with its key.',
        {
          name: stringField("The data key of the API-key Secret that holds the consumer's key.", {
            minLength: 1,
            maxLength: 253,
            pattern: CONSUMER_NAME_PATTERN,
          }),
          rateLimit: integerField(
            "Requests per second the consumer may send through this route (counted per second, across the gateway pod's workers); more are answered 429.",
            { minimum: 1, maximum: 1000000, format: 'int32' },
          ),
          allowedModels: arrayField(
            'AIModels (metadata.name) of aiModelRouting the consumer may use; unset: all of them. Others are answered 404, as if they did not exist, and left out of GET <path>/models.',
            stringField('Name of an AIModel.', {
              minLength: 1,
              maxLength: 253,
              pattern: DNS_SUBDOMAIN_PATTERN,
            }),
            { maxItems: MAX_ROUTED_MODELS, 'x-kubernetes-list-type': 'set' },
          ),
          tokenBudget: objectField(
            'Tokens (prompt plus completion, as the model reports them in usage) the consumer may use per window, counted per gateway pod; once spent, requests are answered 429 until the window ends.',
            {
              tokens: integerField('Tokens per window.', {
                minimum: 1,
                maximum: 1000000000,
                format: 'int32',
              }),
              windowSeconds: integerField('The window, in seconds (fixed windows from the epoch).', {
                minimum: 1,
                maximum: 2592000,
                format: 'int32',
              }),
            },
            { required: ['tokens', 'windowSeconds'] },
          ),
        },
        { required: ['name'] },
      ),
      { maxItems: MAX_CONSUMERS, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    ),
  },
  {
    required: ['path', 'method'],
    'x-kubernetes-validations': [
      cel(
        '[has(self.destinationService), has(self.aiModelRef), has(self.aiModelRouting)].filter(x, x).size() == 1',
        ONE_BACKEND_DETAIL,
      ),
      cel(
        "!has(self.aiModelRouting) || self.method == 'ANY' || self.method == 'POST'",
        'method must be ANY or POST with aiModelRouting',
        { fieldPath: '.method' },
      ),
      cel(
        '!has(self.consumers) || (has(self.aiModelRouting) && has(self.authenticationRequired) && self.authenticationRequired)',
        'consumers are only allowed with aiModelRouting and authenticationRequired',
        { fieldPath: '.consumers', reason: 'FieldValueForbidden' },
      ),
      cel(
        '!has(self.destinationService) || has(self.destinationPort)',
        'destinationPort is required with destinationService',
        { fieldPath: '.destinationPort', reason: 'FieldValueRequired' },
      ),
      cel(
        '!has(self.burst) || (has(self.rateLimit) && self.rateLimit > 0)',
        'burst is only allowed with a rateLimit above 0',
        { fieldPath: '.burst', reason: 'FieldValueForbidden' },
      ),
    ],
  },
);

export const apiGatewayRouteStatusSchema: JSONSchema = objectField(
  'APIGatewayRouteStatus is what the controller observed and did for this route.',
  {
    observedGeneration: observedGenerationField(),
    state: enumField('Summary of the route: Ready, Pending or Failed.', ROUTE_STATES),
    message: stringField('A human-readable message about the current state.', { maxLength: 32768 }),
    lastReconciledTime: stringField('When the controller last reconciled the route successfully.', {
      format: 'date-time',
      maxLength: 64,
    }),
    conditions: conditionsField('Conditions of the route; Ready is True when a gateway serves it.'),
  },
);

export const apiGatewayRouteV1Schema: JSONSchema = objectRootSchema(
  'APIGatewayRoute routes requests that reach a gateway on a path to a Service or an AIModel.',
  apiGatewayRouteSpecV1Schema,
  apiGatewayRouteStatusSchema,
  { required: ['spec'] },
);
