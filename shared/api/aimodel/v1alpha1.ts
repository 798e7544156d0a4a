// AIModel ai.example.com/v1alpha1: the first published shape, deprecated. Still served; every object
// converts to and from v1 without loss.
import type { KubeObject, ObjectMeta } from '../../kube/meta-v1-types.ts';
import type { JSONSchema } from '../schema/json-schema.ts';
import {
  arrayField,
  integerField,
  objectField,
  objectRootSchema,
  stringField,
} from '../schema/primitives.ts';

interface AIModelSpecV1alpha1 {
  modelName?: string;
  modelProvider?: string;
  version?: string;
  endpoint?: string;
  resourceRequests?: { cpu?: string; memory?: string };
  accessPolicies?: string[];
}

interface AIModelStatusV1alpha1 {
  state?: string;
  observedGeneration?: number;
  message?: string;
}

/**
 * An AIModel as v1alpha1 serves it; the operator converts it untyped, so only the API's shape uses it.
 * @public
 */
export interface AIModelV1alpha1 extends KubeObject {
  apiVersion: 'ai.example.com/v1alpha1';
  kind: 'AIModel';
  metadata: ObjectMeta;
  spec: AIModelSpecV1alpha1;
  status?: AIModelStatusV1alpha1;
}

const aiModelSpecV1alpha1Schema: JSONSchema = objectField(
  'AIModelSpec (v1alpha1) declares an AI model served at an endpoint. Deprecated: use v1.',
  {
    modelName: stringField('The name of the AI model.', { minLength: 1, maxLength: 253 }),
    modelProvider: stringField('The provider of the AI model (e.g., OpenAI, HuggingFace).', {
      minLength: 1,
      maxLength: 128,
    }),
    version: stringField('The specific version of the AI model. v1: modelVersion.', { maxLength: 128 }),
    endpoint: stringField(
      'The internal endpoint where the model is served, as "host:port" or a URL; not a loopback, link-local or cloud metadata host unless the operator allows local egress. v1: endpoint, with "http://" before a "host:port".',
      {
        minLength: 1,
        maxLength: 2048,
      },
    ),
    resourceRequests: objectField('Resources requested to serve the model. v1: resources.requests.', {
      cpu: stringField('CPU, e.g. "2" or "500m".', { maxLength: 64 }),
      memory: stringField('Memory, e.g. "8Gi".', { maxLength: 64 }),
    }),
    accessPolicies: arrayField(
      'List of access policies for this AI model.',
      stringField('An access policy name.', { maxLength: 253 }),
      { maxItems: 64 },
    ),
  },
  { required: ['modelName', 'modelProvider', 'version', 'endpoint'] },
);

const aiModelStatusV1alpha1Schema: JSONSchema = objectField('AIModelStatus (v1alpha1).', {
  state: stringField('Current state of the AI model (e.g., Ready, Deploying, Failed).', { maxLength: 64 }),
  observedGeneration: integerField('The most recent generation observed by the controller.', {
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    format: 'int64',
  }),
  message: stringField('A human-readable message about the current state.', { maxLength: 32768 }),
});

export const aiModelV1alpha1Schema: JSONSchema = objectRootSchema(
  'AIModel (v1alpha1, deprecated) declares an AI model served at an endpoint.',
  aiModelSpecV1alpha1Schema,
  aiModelStatusV1alpha1Schema,
  { required: ['spec'] },
);
