// Whether a referenced object exists, asked of the API server with a plain GET.
import { AI_MODEL } from '../../shared/api/kinds.ts';
import { isNotFound } from '../../shared/kube/api-error.ts';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import type { ResourceDescriptor } from '../../shared/kube/resource.ts';
import { customResource } from '../../shared/kube/resource.ts';
import { CONFIG_MAPS, SECRETS, SERVICES } from '../../shared/kube/well-known-resources.ts';
import type { ReferencedKind } from '../domain/webhook-domain.ts';
import type { ObjectExists } from './reference-checker.ts';

const RESOURCES: Record<ReferencedKind, ResourceDescriptor> = {
  Service: SERVICES,
  Secret: SECRETS,
  ConfigMap: CONFIG_MAPS,
  AIModel: customResource(AI_MODEL),
};

export function kubeObjectExists(api: KubeAPI): ObjectExists {
  return async (kind, namespace, name) => {
    try {
      // The answer is dropped at once: only existence matters, and a Secret's data is never kept or logged.
      await api.get(RESOURCES[kind], { namespace, name });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  };
}
