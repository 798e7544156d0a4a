// What an AIModel should have in the cluster, decided from its spec alone: the children to apply and
// the URL the model will be reachable at, or why the spec cannot be served. A spec that fails v1
// validation, or breaks a rule of the installation (an image outside --allowed-model-images, an endpoint
// at a local host without --allow-local-egress), gets no children at all: what it already has is left
// as it is.
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import { modelServiceURL } from '../../../shared/api/aimodel/names.ts';
import { QuantityFormatError } from '../../children/canonical-quantity.ts';
import type { ConfigMap, Deployment, Service } from '../../children/kube-objects.ts';
import {
  InvalidEndpointError,
  externalEndpointURL,
  externalModelServiceURL,
  parseExternalEndpoint,
} from '../../children/model/external-endpoint.ts';
import { renderModelConfigMap } from '../../children/model/model-config-map.ts';
import { renderModelDeployment } from '../../children/model/model-deployment.ts';
import { renderExternalModelService, renderModelService } from '../../children/model/model-service.ts';
import {
  DEFAULT_ADMISSION_POLICY,
  admissionPolicyErrors,
} from '../../../shared/validation/admission-policy.ts';
import type { AdmissionPolicy } from '../../../shared/validation/admission-policy.ts';
import { formatFieldErrors } from '../../../shared/validation/validate.ts';
import { specProblem } from '../spec-problem.ts';
import { namespaceOf } from '../../../shared/kube/object-key.ts';

export type ModelPlan =
  | { kind: 'served'; configMap: ConfigMap; service: Service; deployment: Deployment; endpoint: string }
  /** No Service when the endpoint is an IP address, which an ExternalName Service cannot alias. */
  | { kind: 'external'; configMap: ConfigMap; service: Service | undefined; endpoint: string }
  | { kind: 'invalid'; message: string };

export function planModelChildren(
  model: AIModelV1,
  /** The installation's rules (--allow-local-egress, --allowed-model-images), as the webhook has them. */
  policy: AdmissionPolicy = DEFAULT_ADMISSION_POLICY,
): ModelPlan {
  const name = model.metadata.name ?? '';
  const namespace = namespaceOf(model);
  const problem = specProblem(model);
  if (problem !== undefined) return { kind: 'invalid', message: problem };
  // The webhook's rules, for a model stored while none judged it: no pod runs an image it would refuse,
  // and no Service aliases a local host it would refuse.
  const policyErrors = admissionPolicyErrors(model, policy);
  if (policyErrors.length > 0) return { kind: 'invalid', message: formatFieldErrors(policyErrors) };
  const { image, endpoint } = model.spec;
  try {
    const configMap = renderModelConfigMap(model);
    if (image) {
      return {
        kind: 'served',
        configMap,
        service: renderModelService(model),
        deployment: renderModelDeployment(model, configMap, image),
        endpoint: modelServiceURL(name, namespace),
      };
    }
    if (endpoint) {
      const external = parseExternalEndpoint(endpoint);
      return external.aliasable
        ? {
            kind: 'external',
            configMap,
            service: renderExternalModelService(model, external),
            endpoint: externalModelServiceURL(name, namespace, external),
          }
        : { kind: 'external', configMap, service: undefined, endpoint: externalEndpointURL(external) };
    }
    return { kind: 'invalid', message: 'spec: Required value: one of image or endpoint is required' };
  } catch (err) {
    if (err instanceof InvalidEndpointError) return { kind: 'invalid', message: err.message };
    if (err instanceof QuantityFormatError) {
      return { kind: 'invalid', message: `spec.resources: Invalid value: ${err.message}` };
    }
    throw err;
  }
}
