// Field mappings between AIModel v1alpha1 and v1 (the hub).
//   v1alpha1 modelProvider (free text) <-> v1 modelProvider (OpenAI, HuggingFace, Custom)
//   v1alpha1 version                   <-> v1 modelVersion
//   v1alpha1 endpoint "host:port"      <-> v1 endpoint "http://host:port" (v1 wants a URI)
//   v1alpha1 resourceRequests          <-> v1 resources.requests.{cpu,memory}
//   v1alpha1 status.state / message    <-> v1 status.phase / reason
//   v1 modelType is LLM for a v1alpha1 model, which had no type.
import { modelServiceURL } from '../api/aimodel/names.ts';
import { MODEL_PROVIDERS } from '../api/aimodel/v1.ts';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { isPlainObject, type JSONObject } from '../util/json.ts';
import { definedFields } from './defined-fields.ts';
import type { MappedContent, VersionPair } from './version-pair.ts';

const PHASE_OF_STATE: Record<string, string> = {
  Ready: 'Ready',
  Failed: 'Error',
  Error: 'Error',
  Updating: 'Updating',
};
const STATE_OF_PHASE: Record<string, string> = {
  Ready: 'Ready',
  Error: 'Failed',
  Updating: 'Updating',
  Initializing: 'Deploying',
};

function sections(
  source: KubeObject,
  warnings: string[],
): { spec: JSONObject; status: JSONObject | undefined } {
  if (source.spec !== undefined && !isPlainObject(source.spec))
    warnings.push('spec: not an object; treated as empty');
  if (source.status !== undefined && !isPlainObject(source.status))
    warnings.push('status: not an object; dropped');
  return {
    spec: isPlainObject(source.spec) ? source.spec : {},
    status: source.status === undefined ? undefined : isPlainObject(source.status) ? source.status : {},
  };
}

function hubProvider(provider: unknown): unknown {
  if (typeof provider !== 'string') return provider;
  const normalized = provider.replace(/[\s_-]/g, '').toLowerCase();
  return MODEL_PROVIDERS.find((p) => p.toLowerCase() === normalized) ?? 'Custom';
}

/** A v1alpha1 endpoint as v1 holds it: `host:port` becomes `http://host:port`. */
export function hubEndpoint(endpoint: unknown): unknown {
  if (typeof endpoint !== 'string' || endpoint === '') return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
}

function toHub(source: KubeObject): MappedContent {
  const warnings: string[] = [];
  const { spec: s, status: st } = sections(source, warnings);
  const requests = isPlainObject(s.resourceRequests)
    ? definedFields({ cpu: s.resourceRequests.cpu, memory: s.resourceRequests.memory })
    : undefined;
  const spec = definedFields({
    modelName: s.modelName,
    modelProvider: hubProvider(s.modelProvider),
    modelVersion: s.version,
    modelType: 'LLM',
    endpoint: hubEndpoint(s.endpoint),
    resources: requests === undefined ? undefined : { requests },
    // v1 holds access policies as a set.
    accessPolicies: Array.isArray(s.accessPolicies) ? [...new Set(s.accessPolicies)] : s.accessPolicies,
  });
  const status =
    st === undefined
      ? undefined
      : definedFields({
          observedGeneration: st.observedGeneration,
          phase: typeof st.state === 'string' ? (PHASE_OF_STATE[st.state] ?? 'Initializing') : undefined,
          reason: st.message,
        });
  return { spec, status, warnings };
}

function fromHub(source: KubeObject): MappedContent {
  const warnings: string[] = [];
  const { spec: s, status: st } = sections(source, warnings);
  const requests =
    isPlainObject(s.resources) && isPlainObject(s.resources.requests) ? s.resources.requests : undefined;
  const asText = (q: unknown): unknown => (typeof q === 'number' ? String(q) : q);
  const resourceRequests =
    requests === undefined
      ? undefined
      : definedFields({ cpu: asText(requests.cpu), memory: asText(requests.memory) });
  // v1alpha1 requires version and endpoint; a model served in the cluster is known by its Service URL.
  const spec = definedFields({
    modelName: s.modelName,
    modelProvider: s.modelProvider,
    version: s.modelVersion ?? '',
    endpoint:
      s.endpoint ??
      st?.modelEndpoint ??
      modelServiceURL(String(source.metadata.name ?? ''), source.metadata.namespace),
    resourceRequests,
    accessPolicies: s.accessPolicies,
  });
  const status =
    st === undefined
      ? undefined
      : definedFields({
          state: typeof st.phase === 'string' ? (STATE_OF_PHASE[st.phase] ?? st.phase) : undefined,
          observedGeneration: st.observedGeneration,
          message: st.reason,
        });
  return { spec, status, warnings };
}

export const aiModelVersions: VersionPair = {
  group: 'ai.example.com',
  kind: 'AIModel',
  hubVersion: 'v1',
  spokeVersion: 'v1alpha1',
  toHub,
  fromHub,
  spokeFields: {
    'spec.modelName': 'spec.modelName',
    'spec.modelProvider': 'spec.modelProvider',
    'spec.modelVersion': 'spec.version',
    'spec.endpoint': 'spec.endpoint',
    'spec.resources.requests': 'spec.resourceRequests',
    'spec.accessPolicies': 'spec.accessPolicies',
    'status.observedGeneration': 'status.observedGeneration',
    'status.phase': 'status.state',
    'status.reason': 'status.message',
  },
};
