// APIGatewayRoute gateway.example.com/v1: the storage version and conversion hub. It keeps the original
// v1 fields exactly (path, method, destinationService, destinationPort, rateLimit, authenticationRequired)
// and adds what a real gateway route needs, all optional and bounded.
import type { Condition, KubeObject, ObjectMeta } from '../meta.ts';
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
export const MAX_GATEWAY_NAME_LENGTH = 50;

export interface HeaderMatch {
  /** Header name, matched case-insensitively. */
  name: string;
  /** Exact value the header must have. */
  value: string;
}

export interface LocalObjectReference {
  name: string;
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

export const apiGatewayRouteSpecV1Schema: JSONSchema = objectField(
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
  },
  {
    required: ['path', 'method'],
    'x-kubernetes-validations': [
      cel(
        'has(self.destinationService) != has(self.aiModelRef)',
        'exactly one of destinationService or aiModelRef must be set',
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
