// Rules the schema alone cannot say. Those the CRDs also state in CEL are repeated here so that the
// webhook answers with every error at once, in the same words; the rest (duplicates compared
// case-insensitively, limits below requests, immutability) are the webhook's own.
import { hubEndpoint } from '../conversion/aimodel.ts';
import { parseModelEndpoint } from '../api/aimodel/endpoint.ts';
import {
  MAX_MODEL_NAME_LENGTH,
  MAX_PARAMETERS_BYTES,
  MODEL_NAME_LENGTH_DETAIL,
  RESERVED_CREDENTIAL_HEADERS,
  type AIModelSpecV1,
} from '../api/aimodel/v1.ts';
import type { EnvVar } from '../kube/core-v1-types.ts';
import {
  NOT_AN_IP_ADDRESS_DETAIL,
  NUMERIC_HOST_PATTERN,
  ONE_BACKEND_DETAIL,
  UNREACHABLE_ROUTE_PATH_DETAIL,
  UNREACHABLE_ROUTE_PATH_PATTERN,
  type APIGatewayRouteSpecV1,
} from '../api/apigatewayroute/v1.ts';
import {
  NUMERIC_TARGET_SERVICE_PATTERN,
  type APIGatewayRouteSpecV1alpha1,
} from '../api/apigatewayroute/v1alpha1.ts';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { otherNamespaceTarget } from '../api/apigatewayroute/destination-namespace.ts';
import { parseQuantity } from '../api/quantity.ts';
import { canonicalJSON, deepEqual, isPlainObject } from '../util/json.ts';
import { childPath, type FieldError } from './field-error.ts';

export interface RuleFindings {
  errors: FieldError[];
  warnings: string[];
}

function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string,
  path: string,
  value: (item: T) => unknown,
): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k))
      errors.push({ field: childPath(path, i), type: 'Duplicate', badValue: value(item), detail: '' });
    seen.add(k);
  });
  return errors;
}

const NUMERIC_HOST = new RegExp(NUMERIC_HOST_PATTERN);
const NUMERIC_TARGET_SERVICE = new RegExp(NUMERIC_TARGET_SERVICE_PATTERN);
const UNREACHABLE_ROUTE_PATH = new RegExp(UNREACHABLE_ROUTE_PATH_PATTERN);

/** The CRD's CEL rule on a route's path, in both versions; a non-string is the schema's to report. */
function routePathErrors(value: unknown): FieldError[] {
  if (typeof value !== 'string' || !UNREACHABLE_ROUTE_PATH.test(value)) return [];
  return [{ field: 'spec.path', type: 'Invalid', badValue: value, detail: UNREACHABLE_ROUTE_PATH_DETAIL }];
}

/** The CRD's CEL rule that a Service field holds no IP address; a non-string is the schema's to report. */
function ipAddressErrors(value: unknown, field: string, numeric: RegExp): FieldError[] {
  if (typeof value !== 'string' || !numeric.test(value)) return [];
  return [{ field, type: 'Invalid', badValue: value, detail: NOT_AN_IP_ADDRESS_DETAIL }];
}

export function routeV1Rules(object: KubeObject): RuleFindings {
  const spec = (isPlainObject(object.spec) ? object.spec : {}) as Partial<APIGatewayRouteSpecV1>;
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  const backends = [spec.destinationService, spec.aiModelRef, spec.aiModelRouting];
  if (backends.filter((b) => b !== undefined).length !== 1) {
    errors.push({ field: 'spec', type: 'Invalid', badValue: spec, detail: ONE_BACKEND_DETAIL });
  }
  if (spec.aiModelRouting !== undefined && spec.method !== 'ANY' && spec.method !== 'POST') {
    // Without the value, as the API server words a CEL rule's failure.
    errors.push({
      field: 'spec.method',
      type: 'Invalid',
      detail: 'method must be ANY or POST with aiModelRouting',
    });
  }
  if (
    spec.consumers !== undefined &&
    (spec.aiModelRouting === undefined || spec.authenticationRequired !== true)
  ) {
    errors.push({
      field: 'spec.consumers',
      type: 'Forbidden',
      detail: 'consumers are only allowed with aiModelRouting and authenticationRequired',
    });
  }
  errors.push(...routePathErrors(spec.path));
  errors.push(...ipAddressErrors(spec.destinationService, 'spec.destinationService', NUMERIC_HOST));
  if (spec.destinationService !== undefined && spec.destinationPort === undefined) {
    errors.push({
      field: 'spec.destinationPort',
      type: 'Required',
      detail: 'destinationPort is required with destinationService',
    });
  }
  if (spec.burst !== undefined && !(typeof spec.rateLimit === 'number' && spec.rateLimit > 0)) {
    errors.push({
      field: 'spec.burst',
      type: 'Forbidden',
      detail: 'burst is only allowed with a rateLimit above 0',
    });
  }
  if (Array.isArray(spec.hosts))
    errors.push(
      ...duplicates(
        spec.hosts,
        (h) => String(h).toLowerCase(),
        'spec.hosts',
        (h) => h,
      ),
    );
  if (Array.isArray(spec.headers)) {
    errors.push(
      ...duplicates(
        spec.headers,
        (h) => String(h?.name).toLowerCase(),
        'spec.headers',
        (h) => h?.name,
      ).map((e) => ({
        ...e,
        field: `${e.field}.name`,
      })),
    );
  }
  if (spec.authenticationRequired === true && spec.apiKeySecretRef === undefined) {
    warnings.push(
      'spec.authenticationRequired is true but spec.apiKeySecretRef is not set: every request will be answered 401',
    );
  }
  if (spec.apiKeySecretRef !== undefined && spec.authenticationRequired !== true) {
    warnings.push('spec.apiKeySecretRef is ignored unless spec.authenticationRequired is true');
  }
  const namespace = object.metadata?.namespace;
  if (typeof spec.destinationService === 'string' && namespace) {
    const target = otherNamespaceTarget(spec.destinationService, namespace);
    if (target !== undefined) {
      warnings.push(
        `spec.destinationService reaches namespace ${target.namespace}: the route is served only while a ReferenceGrant (gateway.networking.k8s.io/v1beta1) there permits APIGatewayRoutes from namespace ${namespace}`,
      );
    }
  }
  return { errors, warnings };
}

export function routeV1alpha1Rules(object: KubeObject): RuleFindings {
  const spec = (isPlainObject(object.spec) ? object.spec : {}) as APIGatewayRouteSpecV1alpha1;
  const errors: FieldError[] = [];
  if (spec.targetService === undefined && spec.modelName === undefined) {
    errors.push({
      field: 'spec',
      type: 'Invalid',
      badValue: spec,
      detail: 'one of targetService or modelName is required',
    });
  }
  errors.push(...routePathErrors(spec.path));
  errors.push(...ipAddressErrors(spec.targetService, 'spec.targetService', NUMERIC_TARGET_SERVICE));
  return { errors, warnings: [] };
}

function envRules(env: readonly EnvVar[]): FieldError[] {
  const errors = duplicates(
    env,
    (e) => String(e?.name),
    'spec.env',
    (e) => e?.name,
  ).map((e) => ({ ...e, field: `${e.field}.name` }));
  env.forEach((e, i) => {
    if (!isPlainObject(e)) return;
    const path = childPath('spec.env', i);
    if (e.value !== undefined && e.valueFrom !== undefined) {
      errors.push({
        field: path,
        type: 'Invalid',
        badValue: e,
        detail: 'value and valueFrom are mutually exclusive',
      });
    }
    if (
      isPlainObject(e.valueFrom) &&
      (e.valueFrom.secretKeyRef === undefined) === (e.valueFrom.configMapKeyRef === undefined)
    ) {
      errors.push({
        field: `${path}.valueFrom`,
        type: 'Invalid',
        badValue: e.valueFrom,
        detail: 'exactly one of secretKeyRef or configMapKeyRef must be set',
      });
    }
  });
  return errors;
}

function resourceRules(resources: AIModelSpecV1['resources']): FieldError[] {
  if (!isPlainObject(resources) || !isPlainObject(resources.limits) || !isPlainObject(resources.requests))
    return [];
  const errors: FieldError[] = [];
  for (const [name, limit] of Object.entries(resources.limits)) {
    const request = resources.requests[name];
    if (request === undefined) continue;
    const l = parseQuantity(limit);
    const r = parseQuantity(request);
    if (l !== undefined && r !== undefined && r > l) {
      errors.push({
        field: `spec.resources.requests[${name}]`,
        type: 'Invalid',
        badValue: request,
        detail: `must be less than or equal to ${name} limit of ${limit}`,
      });
    }
  }
  return errors;
}

/** The endpoint a model is served at, as v1 holds it; `badValue` is what the object says. */
function endpointErrors(endpoint: string, badValue: unknown): FieldError[] {
  const parsed = parseModelEndpoint(endpoint);
  if (!('problem' in parsed)) return [];
  return [{ field: 'spec.endpoint', type: 'Invalid', badValue, detail: parsed.problem }];
}

/** Parameters travel in an annotation of a v1alpha1 object, which the API server bounds. */
function parametersRules(parameters: unknown): FieldError[] {
  if (!isPlainObject(parameters)) return [];
  if (Buffer.byteLength(canonicalJSON(parameters)) <= MAX_PARAMETERS_BYTES) return [];
  return [
    {
      field: 'spec.parameters',
      type: 'TooLong',
      detail: `may not be more than ${MAX_PARAMETERS_BYTES} bytes as JSON`,
    },
  ];
}

/** The CRD's CEL rules on spec.credentials. */
function credentialsRules(credentials: unknown): FieldError[] {
  if (!isPlainObject(credentials)) return [];
  const errors: FieldError[] = [];
  const { scheme, headerName } = credentials;
  if ((scheme === 'Header') !== (headerName !== undefined)) {
    errors.push({
      field: 'spec.credentials',
      type: 'Invalid',
      badValue: credentials,
      detail: 'headerName is required with scheme Header and allowed with it only',
    });
  }
  if (
    typeof headerName === 'string' &&
    (RESERVED_CREDENTIAL_HEADERS as readonly string[]).includes(headerName.toLowerCase())
  ) {
    errors.push({
      field: 'spec.credentials.headerName',
      type: 'Invalid',
      detail: 'headerName may not be a header the gateway sets itself or one that frames the message',
    });
  }
  return errors;
}

export function modelV1Rules(object: KubeObject): RuleFindings {
  const spec = (isPlainObject(object.spec) ? object.spec : {}) as Partial<AIModelSpecV1>;
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  const name = object.metadata.name;
  if (typeof name === 'string' && name.length > MAX_MODEL_NAME_LENGTH) {
    errors.push({
      field: 'metadata.name',
      type: 'Invalid',
      badValue: name,
      detail: MODEL_NAME_LENGTH_DETAIL,
    });
  }
  if (spec.image === undefined && spec.endpoint === undefined) {
    errors.push({
      field: 'spec',
      type: 'Invalid',
      badValue: spec,
      detail: 'one of image or endpoint is required',
    });
  }
  if (Array.isArray(spec.env)) errors.push(...envRules(spec.env));
  if (Array.isArray(spec.accessPolicies)) {
    errors.push(...duplicates(spec.accessPolicies, String, 'spec.accessPolicies', (p) => p));
  }
  errors.push(...resourceRules(spec.resources));
  errors.push(...parametersRules(spec.parameters));
  if (typeof spec.endpoint === 'string') errors.push(...endpointErrors(spec.endpoint, spec.endpoint));
  errors.push(...credentialsRules(spec.credentials));
  if (Array.isArray(spec.fallbacks) && spec.fallbacks.some((f) => isPlainObject(f) && f.name === name)) {
    warnings.push('spec.fallbacks names the model itself; that entry is ignored');
  }
  if (spec.image === undefined) {
    const ignored = (['replicas', 'resources', 'env', 'port'] as const).filter((f) => spec[f] !== undefined);
    if (ignored.length > 0) {
      warnings.push(
        `${ignored.map((f) => `spec.${f}`).join(', ')} ignored: the model has no spec.image and is served at spec.endpoint`,
      );
    }
  }
  return { errors, warnings };
}

export function modelV1TransitionRules(object: KubeObject, old: KubeObject): FieldError[] {
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const oldSpec = isPlainObject(old.spec) ? old.spec : {};
  if (oldSpec.modelName !== undefined && !deepEqual(spec.modelName, oldSpec.modelName)) {
    return [
      { field: 'spec.modelName', type: 'Invalid', badValue: spec.modelName, detail: 'field is immutable' },
    ];
  }
  return [];
}

/** A v1alpha1 endpoint must make a valid v1 one, so that the object reads as valid v1. */
export function modelV1alpha1Rules(object: KubeObject): RuleFindings {
  const endpoint = isPlainObject(object.spec) ? object.spec.endpoint : undefined;
  const hub = hubEndpoint(endpoint);
  return { errors: typeof hub === 'string' ? endpointErrors(hub, endpoint) : [], warnings: [] };
}
