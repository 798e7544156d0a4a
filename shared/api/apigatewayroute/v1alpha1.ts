// APIGatewayRoute gateway.example.com/v1alpha1: the earlier, deprecated shape. Still served; every
// object converts to and from v1 without loss.
import type { KubeObject, ObjectMeta } from '../../kube/meta-v1-types.ts';
import type { JSONSchema } from '../schema/json-schema.ts';
import {
  DNS_SUBDOMAIN_PATTERN,
  booleanField,
  cel,
  integerField,
  objectField,
  objectRootSchema,
  stringField,
} from '../schema/primitives.ts';
import {
  NOT_AN_IP_ADDRESS_DETAIL,
  ROUTE_PATH_PATTERN,
  UNREACHABLE_ROUTE_PATH_DETAIL,
  UNREACHABLE_ROUTE_PATH_PATTERN,
  apiGatewayRouteStatusSchema,
  type APIGatewayRouteStatusV1,
} from './v1.ts';

/** `host` or `host:port`, the host a DNS subdomain. */
export const TARGET_SERVICE_PATTERN =
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?$';
/** v1's NUMERIC_HOST_PATTERN with an optional port: the host would convert into an invalid v1 route. */
export const NUMERIC_TARGET_SERVICE_PATTERN = '^[0-9]+([.][0-9]+)*(:[0-9]+)?$';

export interface APIGatewayRouteSpecV1alpha1 {
  path?: string;
  targetService?: string;
  authentication?: boolean;
  rateLimit?: { requestsPerMinute?: number };
  modelName?: string;
}

/**
 * An APIGatewayRoute as v1alpha1 serves it; the operator converts it untyped, so only the API's shape
 * uses it.
 * @public
 */
export interface APIGatewayRouteV1alpha1 extends KubeObject {
  apiVersion: 'gateway.example.com/v1alpha1';
  kind: 'APIGatewayRoute';
  metadata: ObjectMeta;
  spec: APIGatewayRouteSpecV1alpha1;
  status?: APIGatewayRouteStatusV1;
}

const apiGatewayRouteSpecV1alpha1Schema: JSONSchema = objectField(
  'APIGatewayRouteSpec (v1alpha1) routes a path to a target Service. Deprecated: use v1.',
  {
    path: stringField('The incoming request path to match. Must start with "/".', {
      minLength: 1,
      maxLength: 1024,
      pattern: ROUTE_PATH_PATTERN,
      'x-kubernetes-validations': [
        cel(`!self.matches('${UNREACHABLE_ROUTE_PATH_PATTERN}')`, UNREACHABLE_ROUTE_PATH_DETAIL),
      ],
    }),
    targetService: stringField(
      'The Service to route to, as "host" or "host:port" (port 80 when omitted), the host not an IP address, nor a loopback or cloud metadata name unless the operator allows local egress. v1: destinationService and destinationPort.',
      {
        minLength: 1,
        maxLength: 259,
        pattern: TARGET_SERVICE_PATTERN,
        'x-kubernetes-validations': [
          cel(`!self.matches('${NUMERIC_TARGET_SERVICE_PATTERN}')`, NOT_AN_IP_ADDRESS_DETAIL),
        ],
      },
    ),
    authentication: booleanField('Whether requests must carry an API key. v1: authenticationRequired.'),
    rateLimit: objectField('Rate limit of the route. v1: rateLimit, in requests per second.', {
      requestsPerMinute: integerField('Requests per minute allowed; 0 means no limit.', {
        minimum: 0,
        maximum: 60000000,
        format: 'int32',
      }),
    }),
    modelName: stringField(
      'The AIModel served behind the route. Without targetService, v1: aiModelRef.name.',
      { minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN_PATTERN },
    ),
  },
  {
    required: ['path'],
    'x-kubernetes-validations': [
      cel('has(self.targetService) || has(self.modelName)', 'one of targetService or modelName is required'),
    ],
  },
);

export const apiGatewayRouteV1alpha1Schema: JSONSchema = objectRootSchema(
  'APIGatewayRoute (v1alpha1, deprecated) routes requests on a path to a target Service.',
  apiGatewayRouteSpecV1alpha1Schema,
  apiGatewayRouteStatusSchema,
  { required: ['spec'] },
);
