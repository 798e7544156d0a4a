// The ConfigMap aim-<name>: the model's configuration as the serving pods (and people) read it.
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import { modelChildName } from '../../../shared/api/aimodel/names.ts';
import { compact } from '../../../shared/util/json.ts';
import type { ConfigMap } from '../kube-objects.ts';
import { modelLabels } from '../labels.ts';
import { controllerReference } from '../owner-references.ts';

export const MODEL_CONFIG_KEY = 'model.json';
/** Where the serving container finds MODEL_CONFIG_KEY. */
export const MODEL_CONFIG_DIR = '/etc/aimodel';

/** The configuration document: what the model is and how it is to be run, without the serving details. */
function modelConfiguration(model: AIModelV1): Record<string, unknown> {
  const { spec } = model;
  return compact({
    modelName: spec.modelName,
    provider: spec.modelProvider,
    version: spec.modelVersion,
    type: spec.modelType,
    endpoint: spec.endpoint,
    parameters: spec.parameters ?? {},
    accessPolicies: spec.accessPolicies ?? [],
  });
}

export function renderModelConfigMap(model: AIModelV1): ConfigMap {
  const name = model.metadata.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: modelChildName(name),
      namespace: model.metadata.namespace,
      labels: modelLabels(name),
      ownerReferences: [controllerReference(model)],
    },
    data: { [MODEL_CONFIG_KEY]: `${JSON.stringify(modelConfiguration(model), null, 2)}\n` },
  };
}
