// AIModel ai.example.com/v1: the storage version and conversion hub. It keeps the published v1 fields
// (modelName, modelProvider, modelVersion, modelType, parameters, endpoint) and adds what serving a
// model inside the cluster takes: image, replicas, resources, env, port; plus access policies.
import type { Condition, KubeObject, ObjectMeta } from '../../kube/meta-v1-types.ts';
import type { JSONSchema } from '../schema/json-schema.ts';
import type { EnvVar, ResourceRequirements } from '../../kube/core-v1-types.ts';
import { ENV_NAME_PATTERN } from '../../kube/core-v1-types.ts';
import {
  DNS_SUBDOMAIN_PATTERN,
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
  quantityField,
  stringField,
} from '../schema/primitives.ts';

export const MODEL_PROVIDERS = ['OpenAI', 'HuggingFace', 'Custom'] as const;
type ModelProvider = (typeof MODEL_PROVIDERS)[number];

export const MODEL_TYPES = ['LLM', 'ImageGen', 'Sentiment', 'Embedding'] as const;
type ModelType = (typeof MODEL_TYPES)[number];

export const MODEL_PHASES = ['Ready', 'Initializing', 'Updating', 'Error'] as const;
export type ModelPhase = (typeof MODEL_PHASES)[number];

/** Object names derived from an AIModel's name must stay valid DNS labels (63 characters). */
export const MAX_MODEL_NAME_LENGTH = 56;
export const MODEL_NAME_LENGTH_DETAIL = `must be at most ${MAX_MODEL_NAME_LENGTH} characters (names of the objects serving the model derive from it)`;
/**
 * spec.parameters as canonical JSON, in bytes. v1alpha1 has no such field, so a converted object carries
 * them in an annotation, and the API server refuses a converted object whose annotations exceed 256 KiB in
 * all, which breaks every list and watch of v1alpha1 holding it. The schema cannot bound the size of a
 * free-form object; the webhook does.
 */
export const MAX_PARAMETERS_BYTES = 64 * 1024;

/**
 * How the gateway presents a model's provider key: `Authorization: Bearer <key>` (OpenAI, HuggingFace,
 * vLLM and most OpenAI-compatible servers), `api-key: <key>` (Azure OpenAI), `x-api-key: <key>`
 * (Anthropic), or the key as the value of headerName.
 */
const CREDENTIAL_SCHEMES = ['Bearer', 'AzureAPIKey', 'AnthropicAPIKey', 'Header'] as const;
export type CredentialScheme = (typeof CREDENTIAL_SCHEMES)[number];

/** The Secret type that marks a Secret whose keys a gateway may send to a model's provider. */
export const PROVIDER_CREDENTIALS_SECRET_TYPE = 'ai.example.com/provider-credentials';
/** The label that marks such a Secret of another type (e.g. Opaque), with the value "true". */
export const PROVIDER_CREDENTIALS_SECRET_LABEL = 'ai.example.com/provider-credentials';

/**
 * Request headers a credential may not be sent in: those the gateway sets itself or that frame the
 * message. Lower case.
 */
export const RESERVED_CREDENTIAL_HEADERS = [
  'host',
  'connection',
  'content-length',
  'content-type',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'keep-alive',
  'proxy-connection',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
  'x-request-id',
] as const;

export interface SecretKeyReference {
  name: string;
  key: string;
}

interface ProviderCredentials {
  secretKeyRef: SecretKeyReference;
  scheme?: CredentialScheme;
  headerName?: string;
}

interface ModelReference {
  name: string;
}

/** Fallback models a model may name. */
export const MAX_FALLBACKS = 3;

export interface AIModelSpecV1 {
  modelName: string;
  modelProvider: ModelProvider;
  modelVersion?: string;
  modelType: ModelType;
  /** At most MAX_PARAMETERS_BYTES as canonical JSON; the webhook refuses more. */
  parameters?: Record<string, unknown>;
  endpoint?: string;
  image?: string;
  replicas?: number;
  resources?: ResourceRequirements;
  env?: EnvVar[];
  port?: number;
  accessPolicies?: string[];
  credentials?: ProviderCredentials;
  providerModelName?: string;
  fallbacks?: ModelReference[];
}

export interface AIModelStatusV1 {
  observedGeneration?: number;
  phase?: ModelPhase;
  reason?: string;
  lastUpdateTime?: string;
  modelEndpoint?: string;
  conditions?: Condition[];
}

export interface AIModelV1 extends KubeObject {
  apiVersion: 'ai.example.com/v1';
  kind: 'AIModel';
  metadata: ObjectMeta;
  spec: AIModelSpecV1;
  status?: AIModelStatusV1;
}

function resourceList(description: string): JSONSchema {
  return {
    type: 'object',
    description,
    maxProperties: 16,
    additionalProperties: quantityField('A quantity such as "2", "500m" or "8Gi".'),
  };
}

function keySelector(what: string): JSONSchema {
  return objectField(
    `Selects a key of a ${what} in the model's namespace.`,
    {
      name: stringField(`Name of the ${what}.`, {
        minLength: 1,
        maxLength: 253,
        pattern: DNS_SUBDOMAIN_PATTERN,
      }),
      key: stringField(`The key of the ${what} to select.`, {
        minLength: 1,
        maxLength: 253,
        pattern: '^[-._a-zA-Z0-9]+$',
      }),
      optional: booleanField(`Whether the ${what} or its key may be missing.`),
    },
    { required: ['name', 'key'] },
  );
}

const aiModelSpecV1Schema: JSONSchema = objectField(
  'AIModelSpec declares an AI model and, when image is set, how to serve it in the cluster.',
  {
    modelName: stringField('The unique name of the AI model, e.g. "gemma-2b-it". Immutable.', {
      minLength: 1,
      maxLength: 253,
      'x-kubernetes-validations': [cel('self == oldSelf', 'field is immutable')],
    }),
    modelProvider: enumField('The provider of the AI model.', MODEL_PROVIDERS),
    modelVersion: stringField('The version of the AI model.', { maxLength: 128 }),
    modelType: enumField('The type of AI model.', MODEL_TYPES),
    parameters: {
      type: 'object',
      description:
        'Model-specific parameters (e.g. temperature, maxTokens), passed to the model as configuration. At most 64 KiB as JSON.',
      maxProperties: 64,
      'x-kubernetes-preserve-unknown-fields': true,
    },
    endpoint: stringField(
      'The API endpoint of a model served outside the cluster, or the address an in-cluster model is known by: an http or https URL. Its host may not be a loopback, link-local or cloud metadata host (localhost, 127.0.0.0/8, ::1, 0.0.0.0, 169.254.0.0/16, fe80::/10, metadata.google.internal, ..., however spelled) unless the operator is installed with security.allowLocalEgress.',
      { format: 'uri', maxLength: 2048 },
    ),
    image: stringField(
      'Container image that serves the model in the cluster. Without it, the model is served at endpoint. The operator may be installed to allow only images under some registries or repositories (security.allowedModelImages).',
      {
        minLength: 1,
        maxLength: 1024,
        pattern: '^[^\\s]+$',
      },
    ),
    replicas: integerField('Number of serving pods. Only with image.', {
      minimum: 0,
      maximum: 100,
      format: 'int32',
    }),
    resources: objectField('Compute resources of each serving container. Only with image.', {
      requests: resourceList('Minimum resources, e.g. {cpu: "2", memory: "8Gi"}.'),
      limits: resourceList('Maximum resources; each at least its request.'),
    }),
    env: arrayField(
      'Environment variables of the serving container, e.g. an API token from a Secret. Only with image.',
      objectField(
        'An environment variable with a literal value or a value from a Secret or ConfigMap key.',
        {
          name: stringField('Name of the variable.', {
            minLength: 1,
            maxLength: 256,
            pattern: ENV_NAME_PATTERN,
          }),
          value: stringField('Literal value.', { maxLength: 32768 }),
          valueFrom: objectField(
            'Source of the value; exactly one of secretKeyRef or configMapKeyRef.',
            { secretKeyRef: keySelector('Secret'), configMapKeyRef: keySelector('ConfigMap') },
            {
              'x-kubernetes-validations': [
                cel(
                  'has(self.secretKeyRef) != has(self.configMapKeyRef)',
                  'exactly one of secretKeyRef or configMapKeyRef must be set',
                ),
              ],
            },
          ),
        },
        {
          required: ['name'],
          'x-kubernetes-validations': [
            cel('!(has(self.value) && has(self.valueFrom))', 'value and valueFrom are mutually exclusive'),
          ],
        },
      ),
      { maxItems: 64, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    ),
    port: integerField('Container port the model server listens on. Only with image.', {
      minimum: 1,
      maximum: 65535,
      format: 'int32',
    }),
    accessPolicies: arrayField(
      'Names of the access policies (e.g. teams) allowed to use this model.',
      stringField('An access policy name.', { minLength: 1, maxLength: 253 }),
      { maxItems: 64, 'x-kubernetes-list-type': 'set' },
    ),
    credentials: objectField(
      `The provider key the gateway presents when it proxies to this model; the client's own API key is never passed on. The Secret must be in the model's namespace and marked for the purpose (type ${PROVIDER_CREDENTIALS_SECRET_TYPE} or label ${PROVIDER_CREDENTIALS_SECRET_LABEL}="true"). Gateway pods mount only the named key and read it on every request, so a rotated key applies without a restart; while it is missing, requests are answered 503 and never sent without it.`,
      {
        secretKeyRef: objectField(
          'The Secret key that holds the provider key.',
          {
            name: stringField("Name of the Secret in the model's namespace.", {
              minLength: 1,
              maxLength: 253,
              pattern: DNS_SUBDOMAIN_PATTERN,
            }),
            key: stringField('The data key of the Secret; may not start with ".".', {
              minLength: 1,
              maxLength: 253,
              pattern: '^[-_a-zA-Z0-9][-._a-zA-Z0-9]*$',
            }),
          },
          { required: ['name', 'key'] },
        ),
        scheme: enumField(
          'How the key is sent: Bearer ("Authorization: Bearer <key>": OpenAI, HuggingFace, vLLM), AzureAPIKey ("api-key: <key>"), AnthropicAPIKey ("x-api-key: <key>") or Header (the key as the value of headerName).',
          CREDENTIAL_SCHEMES,
          { default: 'Bearer' },
        ),
        headerName: stringField(
          'The request header that carries the key, with scheme Header only. Not a header the gateway sets itself (Host, X-Forwarded-*, X-Request-ID, ...) or one that frames the message.',
          { minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' },
        ),
      },
      {
        required: ['secretKeyRef'],
        'x-kubernetes-validations': [
          cel(
            "(has(self.scheme) && self.scheme == 'Header') == has(self.headerName)",
            'headerName is required with scheme Header and allowed with it only',
          ),
          cel(
            `!has(self.headerName) || !(self.headerName.lowerAscii() in [${RESERVED_CREDENTIAL_HEADERS.map((h) => `'${h}'`).join(', ')}])`,
            'headerName may not be a header the gateway sets itself or one that frames the message',
            { fieldPath: '.headerName' },
          ),
        ],
      },
    ),
    providerModelName: stringField(
      'The name the provider knows the model by, sent as "model" in the request body when the gateway chooses the model by name (aiModelRouting); default modelName.',
      { minLength: 1, maxLength: 253, pattern: '^[^\\s"\\\\]+$' },
    ),
    fallbacks: arrayField(
      `AIModels in this namespace to try, in order, when this model cannot answer a request that a route chooses by model name (aiModelRouting): a connection error, a timeout, a 5xx or a 429, before anything was sent to the client. At most ${MAX_FALLBACKS}; the fallbacks' own fallbacks are not followed.`,
      nameReference('A reference to an AIModel in the same namespace.', 'AIModel'),
      { maxItems: MAX_FALLBACKS, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    ),
  },
  {
    required: ['modelName', 'modelProvider', 'modelType'],
    'x-kubernetes-validations': [
      cel('has(self.image) || has(self.endpoint)', 'one of image or endpoint is required'),
    ],
  },
);

const aiModelStatusV1Schema: JSONSchema = objectField('AIModelStatus is what the controller observed.', {
  observedGeneration: observedGenerationField(),
  phase: enumField('Current phase of the AI model.', MODEL_PHASES),
  reason: stringField('Human-readable explanation for the current phase.', { maxLength: 32768 }),
  lastUpdateTime: stringField('When the status last changed.', { format: 'date-time', maxLength: 64 }),
  modelEndpoint: stringField('The in-cluster URL where the model is reachable.', { maxLength: 2048 }),
  conditions: conditionsField('Conditions of the model; Ready is True when it can serve requests.'),
});

export const aiModelV1Schema: JSONSchema = objectRootSchema(
  'AIModel declares an AI model that gateways can route to, served in the cluster or outside it.',
  aiModelSpecV1Schema,
  aiModelStatusV1Schema,
  {
    required: ['spec'],
    'x-kubernetes-validations': [
      cel(
        `self.metadata.name.size() <= ${MAX_MODEL_NAME_LENGTH}`,
        `metadata.name ${MODEL_NAME_LENGTH_DETAIL}`,
      ),
    ],
  },
);
