// The controller's second line behind admission. An object can be stored without the webhook's checks
// (written while no webhook was configured, or before a rule existed); the controller judges the v1
// object it reads by the same validation, so that nothing is made from a spec the webhook would refuse.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { formatFieldErrors, validateObject } from '../../shared/validation/validate.ts';

// Cached objects are frozen and replaced on every change, so an object's verdict never goes stale; a
// gateway's reconcile judges all its routes, most of them unchanged since the last time.
const verdicts = new WeakMap<KubeObject, string | undefined>();

/** Why `object` fails v1 validation, in the API server's words; undefined when it passes. */
export function specProblem(object: KubeObject): string | undefined {
  if (verdicts.has(object)) return verdicts.get(object);
  // Admission never judges status (the status subresource bypasses it), so neither does this.
  const { status: _status, ...judged } = object;
  const { errors } = validateObject(judged);
  const problem = errors.length === 0 ? undefined : formatFieldErrors(errors);
  verdicts.set(object, problem);
  return problem;
}
