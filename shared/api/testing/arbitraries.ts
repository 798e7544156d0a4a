// fast-check generators of schema-valid objects of both kinds in both versions, for property tests of
// conversion, validation and rendering.
import fc from 'fast-check';
import type { KubeObject, ObjectMeta } from '../../kube/meta-v1-types.ts';
import {
  HTTP_METHODS,
  NUMERIC_HOST_PATTERN,
  PATH_MATCH_TYPES,
  ROUTE_STATES,
  UNREACHABLE_ROUTE_PATH_PATTERN,
} from '../apigatewayroute/v1.ts';
import { MODEL_PHASES, MODEL_PROVIDERS, MODEL_TYPES } from '../aimodel/v1.ts';
import { localHost, localServiceHost } from '../local-host.ts';

const RESERVED_ANNOTATION = /^(gateway|ai)\.example\.com\//;

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,12}[a-z0-9])?$/);
const dnsSubdomain = fc
  .array(dnsLabel, { minLength: 1, maxLength: 4 })
  .map((labels) => labels.join('.'))
  .filter((s) => s.length <= 253);
const NUMERIC_HOST = new RegExp(NUMERIC_HOST_PATTERN);
/**
 * A DNS subdomain that names a Service: digits and dots alone would be an IP address, and a spelling of a
 * loopback, link-local or metadata host (`0x7f.1`) is refused.
 */
const serviceName = dnsSubdomain.filter((s) => !NUMERIC_HOST.test(s) && localServiceHost(s) === undefined);
const UNREACHABLE_ROUTE_PATH = new RegExp(UNREACHABLE_ROUTE_PATH_PATTERN);
/** Valid route paths: those a request can reach. */
const routePath = fc
  .array(fc.stringMatching(/^[A-Za-z0-9._~%!&()*+,=:@-]{1,12}$/), { maxLength: 5 })
  .map((segments) => `/${segments.join('/')}`)
  .filter((path) => !UNREACHABLE_ROUTE_PATH.test(path));
const port = fc.integer({ min: 1, max: 65535 });
const timestamp = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
const text = fc.string({ maxLength: 40 });
const generation = fc.integer({ min: 1, max: 1_000_000 });

function optional<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined });
}

/** Drops the keys whose value is undefined, as JSON does. */
function record<T extends Record<string, fc.Arbitrary<unknown>>>(model: T) {
  return fc
    .record(model)
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
}

const stringMap = (keys: fc.Arbitrary<string>) =>
  fc.dictionary(keys, fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 4 });

const objectMeta: fc.Arbitrary<ObjectMeta> = record({
  name: dnsLabel,
  namespace: dnsLabel,
  uid: fc.uuid(),
  resourceVersion: fc.integer({ min: 1 }).map(String),
  generation: optional(generation),
  creationTimestamp: optional(timestamp),
  labels: optional(stringMap(fc.stringMatching(/^[a-z]([a-z0-9.-]{0,10}[a-z0-9])?$/))),
  annotations: optional(
    stringMap(
      fc
        .stringMatching(/^([a-z]{1,8}\.[a-z]{2,4}\/)?[a-z][a-z0-9-]{0,10}$/)
        .filter((k) => !RESERVED_ANNOTATION.test(k)),
    ),
  ),
}) as fc.Arbitrary<ObjectMeta>;

const condition = record({
  type: fc.constantFrom('Ready', 'Progressing', 'Degraded'),
  status: fc.constantFrom('True', 'False', 'Unknown'),
  observedGeneration: optional(generation),
  lastTransitionTime: timestamp,
  reason: fc.stringMatching(/^[A-Z][A-Za-z]{0,15}$/),
  message: text,
});
const conditions = fc.uniqueArray(condition, { maxLength: 3, selector: (c) => c.type });

const routeStatus = record({
  observedGeneration: optional(generation),
  state: optional(fc.constantFrom(...ROUTE_STATES)),
  message: optional(text),
  lastReconciledTime: optional(timestamp),
  conditions: optional(conditions),
});

const headerCharacter = "!#%&'()*+,\\-./0-9:<=>?@A-Z[\\]^_`a-z|~";
const headerValue = fc.stringMatching(
  new RegExp(`^[${headerCharacter}]([ ${headerCharacter}]{0,18}[${headerCharacter}])?$`),
);

const routeSpecV1 = fc
  .tuple(
    record({
      path: routePath,
      method: fc.constantFrom(...HTTP_METHODS),
      rateLimit: optional(fc.integer({ min: 0, max: 10_000 })),
      authenticationRequired: optional(fc.boolean()),
      gateway: optional(dnsLabel),
      pathMatch: optional(fc.constantFrom(...PATH_MATCH_TYPES)),
      hosts: optional(
        fc.uniqueArray(
          fc.oneof(
            dnsSubdomain,
            dnsSubdomain.map((h) => `*.${h}`),
          ),
          { minLength: 1, maxLength: 3 },
        ),
      ),
      headers: optional(
        fc.uniqueArray(
          record({ name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/), value: headerValue }),
          {
            minLength: 1,
            maxLength: 3,
            selector: (h) => String(h.name).toLowerCase(),
          },
        ),
      ),
      requestTimeoutSeconds: optional(fc.integer({ min: 1, max: 3600 })),
      apiKeySecretRef: optional(record({ name: dnsSubdomain })),
    }),
    fc.oneof(
      record({ destinationService: serviceName, destinationPort: port }),
      record({ aiModelRef: record({ name: dnsSubdomain }) }),
    ),
    optional(fc.integer({ min: 0, max: 1000 })),
  )
  .map(([base, backend, burst]) => {
    const spec: Record<string, unknown> = { ...base, ...backend };
    if (burst !== undefined && typeof spec.rateLimit === 'number' && spec.rateLimit > 0) spec.burst = burst;
    return spec;
  });

const routeSpecV1alpha1 = fc
  .tuple(
    record({
      path: routePath,
      authentication: optional(fc.boolean()),
      rateLimit: optional(record({ requestsPerMinute: optional(fc.integer({ min: 0, max: 600_000 })) })),
    }),
    fc.oneof(
      record({
        targetService: fc.tuple(serviceName, optional(port)).map(([h, p]) => (p ? `${h}:${p}` : h)),
      }),
      record({ modelName: dnsSubdomain }),
      record({
        targetService: fc.tuple(serviceName, optional(port)).map(([h, p]) => (p ? `${h}:${p}` : h)),
        modelName: dnsSubdomain,
      }),
    ),
  )
  .map(([base, backend]) => ({ ...base, ...backend }));

const quantity = fc.oneof(
  fc.integer({ min: 1, max: 64 }),
  fc.constantFrom('500m', '2', '1.5', '8Gi', '512Mi', '16G', '100k'),
);
const resourceList = fc.dictionary(
  fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu', 'ephemeral-storage'),
  quantity,
  {
    minKeys: 1,
    maxKeys: 3,
  },
);
const keySelector = record({
  name: dnsSubdomain,
  key: fc.stringMatching(/^[-._a-zA-Z0-9]{1,12}$/),
  optional: optional(fc.boolean()),
});
const envVar = fc.oneof(
  record({ name: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/), value: optional(text) }),
  record({
    name: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/),
    valueFrom: fc.oneof(record({ secretKeyRef: keySelector }), record({ configMapKeyRef: keySelector })),
  }),
);
const jsonParameters = fc.dictionary(
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,10}$/),
  fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((d) => d + 0),
    fc.integer(),
    fc.boolean(),
    text,
  ),
  { maxKeys: 5 },
);
const urlPath = fc
  .array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), { maxLength: 4 })
  .map((segments) => `/${segments.join('/')}`);
// A host URL parsing keeps as a name: a last label of digits (or 0x…) would be read as an IPv4 address.
// Not a metadata name, which is refused.
const urlHost = fc
  .tuple(dnsSubdomain, fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/))
  .map(([name, top]) => `${name}.${top}`)
  .filter((host) => URL.canParse(`https://${host}/`) && localHost(host) === undefined);
const httpsURL = fc
  .tuple(urlHost, optional(port), urlPath)
  .map(([h, p, path]) => `https://${h}${p ? `:${p}` : ''}${path}`);

export const modelSpecV1 = fc
  .tuple(
    record({
      modelName: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/),
      modelProvider: fc.constantFrom(...MODEL_PROVIDERS),
      modelVersion: optional(fc.stringMatching(/^v?[0-9]{1,2}(\.[0-9]{1,2}){0,2}$/)),
      modelType: fc.constantFrom(...MODEL_TYPES),
      parameters: optional(jsonParameters),
      accessPolicies: optional(fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 4 })),
    }),
    fc.oneof(
      record({ endpoint: httpsURL }),
      record({
        endpoint: optional(httpsURL),
        image: fc.stringMatching(/^[a-z0-9]{1,8}(\/[a-z0-9-]{1,10})?:[a-z0-9.]{1,6}$/),
        replicas: optional(fc.integer({ min: 0, max: 10 })),
        resources: optional(record({ requests: optional(resourceList) })),
        env: optional(fc.uniqueArray(envVar, { minLength: 1, maxLength: 3, selector: (e) => e.name })),
        port: optional(port),
      }),
    ),
  )
  .map(([base, serving]) => ({ ...base, ...serving }));

const modelStatusV1 = record({
  observedGeneration: optional(generation),
  phase: optional(fc.constantFrom(...MODEL_PHASES)),
  reason: optional(text),
  lastUpdateTime: optional(timestamp),
  modelEndpoint: optional(httpsURL),
  conditions: optional(conditions),
});

const modelSpecV1alpha1 = record({
  modelName: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/),
  modelProvider: fc.oneof(
    fc.constantFrom('OpenAI', 'openai', 'HuggingFace', 'Hugging Face', 'internal'),
    fc.string({ minLength: 1, maxLength: 10 }),
  ),
  version: fc.stringMatching(/^v?[0-9]{0,2}(\.[0-9]{1,2}){0,2}$/),
  endpoint: fc.oneof(
    httpsURL,
    fc.tuple(urlHost, port).map(([h, p]) => `${h}:${p}`),
  ),
  resourceRequests: optional(
    record({
      cpu: optional(fc.constantFrom('1', '500m', '2')),
      memory: optional(fc.constantFrom('1Gi', '8Gi')),
    }),
  ),
  accessPolicies: optional(fc.array(dnsLabel, { maxLength: 4 })),
});

const modelStatusV1alpha1 = record({
  state: optional(fc.constantFrom('Ready', 'Deploying', 'Failed', 'Updating', 'Pending')),
  observedGeneration: optional(generation),
  message: optional(text),
});

function kubeObject(
  apiVersion: string,
  kind: string,
  spec: fc.Arbitrary<Record<string, unknown>>,
  status: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<KubeObject> {
  return fc.tuple(objectMeta, spec, optional(status)).map(([metadata, s, st]) => {
    const object: KubeObject = { apiVersion, kind, metadata, spec: s };
    if (st !== undefined) object.status = st;
    return object;
  });
}

export const routeV1 = kubeObject('gateway.example.com/v1', 'APIGatewayRoute', routeSpecV1, routeStatus);
export const routeV1alpha1 = kubeObject(
  'gateway.example.com/v1alpha1',
  'APIGatewayRoute',
  routeSpecV1alpha1,
  routeStatus,
);
export const modelV1 = kubeObject('ai.example.com/v1', 'AIModel', modelSpecV1, modelStatusV1);
export const modelV1alpha1 = kubeObject(
  'ai.example.com/v1alpha1',
  'AIModel',
  modelSpecV1alpha1,
  modelStatusV1alpha1,
);
