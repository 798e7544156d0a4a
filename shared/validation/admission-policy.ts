// Rules an installation chooses, applied by the webhook on top of the API's own: whether model endpoints
// and route destinations may be loopback, link-local or cloud metadata hosts (refused unless allowed), and
// which images an AIModel may run (any unless prefixes are given). They are the webhook's alone: a CRD's
// CEL rule cannot read a chart value, so a CEL rule would refuse what the chart allows. A v1alpha1 write is
// judged by the v1 object it is stored as, each error naming the field as written.
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { isPlainObject } from '../util/json.ts';
import { allowedModelImageErrors, type ImagePrefix } from './allowed-model-images.ts';
import type { FieldError } from './field-error.ts';
import { hubObject, namedAsWritten } from './hub-meaning.ts';
import { localEgressErrors } from './local-egress.ts';

export interface AdmissionPolicy {
  /** Let model endpoints and route destinations be loopback, link-local or cloud metadata hosts. */
  allowLocalEgress: boolean;
  /** Images an AIModel may run; empty: any. */
  allowedModelImages: readonly ImagePrefix[];
}

/** Safe by default: no local egress, any image. */
export const DEFAULT_ADMISSION_POLICY: AdmissionPolicy = { allowLocalEgress: false, allowedModelImages: [] };

/** The policy's errors for a served object that is otherwise valid. */
export function admissionPolicyErrors(object: KubeObject, policy: AdmissionPolicy): FieldError[] {
  const hub = hubObject(object);
  const image = hub.kind === 'AIModel' && isPlainObject(hub.spec) ? hub.spec.image : undefined;
  return namedAsWritten(object, hub, [
    ...(policy.allowLocalEgress ? [] : localEgressErrors(hub)),
    ...allowedModelImageErrors(image, policy.allowedModelImages),
  ]);
}
