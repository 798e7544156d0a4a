// The Deployment aim-<name> that serves a model in the cluster (spec.image set).
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import type { EnvVar } from '../../../shared/kube/core-v1-types.ts';
import { modelChildName } from '../../../shared/api/aimodel/names.ts';
import { DEFAULT_MODEL_PORT, DEFAULT_MODEL_REPLICAS } from '../../../shared/defaulting/defaults.ts';
import { contentHash } from '../../../shared/util/content-hash.ts';
import { canonicalResources } from '../canonical-quantity.ts';
import type { ConfigMap, Deployment, Probe } from '../kube-objects.ts';
import { CONFIG_HASH_ANNOTATION, modelLabels, modelSelectorLabels } from '../labels.ts';
import { controllerReference } from '../owner-references.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security-context.ts';
import { MODEL_CONFIG_DIR } from './model-config-map.ts';

const MODEL_CONTAINER = 'model';
const CONFIG_VOLUME = 'model-config';

function tcpProbe(periodSeconds: number, failureThreshold: number): Probe {
  return { tcpSocket: { port: 'http' }, periodSeconds, timeoutSeconds: 1, failureThreshold };
}

/**
 * Env as the API server stores it: an empty `value` is left out (omitempty), so rendering it would make the
 * Deployment look changed on every reconcile and re-apply it forever.
 */
function canonicalEnv(env: readonly EnvVar[]): EnvVar[] {
  return env.map(({ value, ...rest }) => (value === '' || value === undefined ? rest : { ...rest, value }));
}

/** The port the model server listens on; the webhook defaults it, but the API server may run without it. */
function modelPort(model: AIModelV1): number {
  return model.spec.port ?? DEFAULT_MODEL_PORT;
}

export function renderModelDeployment(model: AIModelV1, configMap: ConfigMap, image: string): Deployment {
  const name = model.metadata.name ?? '';
  const { spec } = model;
  const resources = canonicalResources(spec.resources);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: modelChildName(name),
      namespace: model.metadata.namespace,
      labels: modelLabels(name),
      ownerReferences: [controllerReference(model)],
    },
    spec: {
      replicas: spec.replicas ?? DEFAULT_MODEL_REPLICAS,
      selector: { matchLabels: modelSelectorLabels(name) },
      template: {
        metadata: {
          labels: modelLabels(name),
          annotations: { [CONFIG_HASH_ANNOTATION]: contentHash(configMap.data) },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(),
          containers: [
            {
              name: MODEL_CONTAINER,
              image,
              ports: [{ name: 'http', containerPort: modelPort(model), protocol: 'TCP' }],
              ...(spec.env?.length ? { env: canonicalEnv(spec.env) } : {}),
              ...(resources ? { resources } : {}),
              readinessProbe: tcpProbe(5, 3),
              livenessProbe: tcpProbe(10, 6),
              securityContext: restrictedContainerSecurityContext(false),
              volumeMounts: [{ name: CONFIG_VOLUME, mountPath: MODEL_CONFIG_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: CONFIG_VOLUME, configMap: { name: configMap.metadata.name ?? '' } }],
        },
      },
    },
  };
}
