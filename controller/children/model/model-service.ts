// The Service aim-<name>: port 80 in front of the serving pods, or an ExternalName alias of a model
// served outside the cluster.
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import { modelChildName } from '../../../shared/api/aimodel/names.ts';
import type { Service } from '../kube-objects.ts';
import { modelLabels, modelSelectorLabels } from '../labels.ts';
import { controllerReference } from '../owner-references.ts';
import type { ExternalEndpoint } from './external-endpoint.ts';

const MODEL_SERVICE_PORT = 80;

function metadata(model: AIModelV1): Service['metadata'] {
  const name = model.metadata.name ?? '';
  return {
    name: modelChildName(name),
    namespace: model.metadata.namespace,
    labels: modelLabels(name),
    ownerReferences: [controllerReference(model)],
  };
}

export function renderModelService(model: AIModelV1): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(model),
    spec: {
      type: 'ClusterIP',
      selector: modelSelectorLabels(model.metadata.name ?? ''),
      ports: [{ name: 'http', port: MODEL_SERVICE_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function renderExternalModelService(model: AIModelV1, endpoint: ExternalEndpoint): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(model),
    spec: { type: 'ExternalName', externalName: endpoint.host },
  };
}
