// Read, change, replace with the resourceVersion that was read: how the webhook edits objects it shares
// with others (Helm, cert-manager's cainjector, other replicas), so a concurrent write costs a re-read
// instead of being overwritten. Nothing is written when the change finds nothing to do.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { isConflict, isNotFound } from '../../shared/kube/api-error.ts';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import type { ResourceDescriptor } from '../../shared/kube/resource.ts';
import { errorMessage } from '../../shared/util/error-message.ts';

/** Changes the object in place; true when something changed. `target` is for error messages. */
export type ObjectChange = (object: KubeObject, target: string) => boolean;

/** The caller's typed error, e.g. `new CAInjectionError(target, message, { cause })`. */
export type TargetError = (target: string, message: string, cause?: unknown) => Error;

const MAX_CONFLICT_RETRIES = 5;

/** Returns whether the object was written; throws `fail(...)` naming `<Kind> <name>` otherwise. */
export async function updateObject(
  api: KubeAPI,
  resource: ResourceDescriptor,
  name: string,
  change: ObjectChange,
  fail: TargetError,
): Promise<boolean> {
  const target = `${resource.kind} ${name}`;
  for (let attempt = 1; ; attempt++) {
    let object: KubeObject;
    try {
      object = await api.get(resource, { name });
    } catch (err) {
      throw fail(target, isNotFound(err) ? 'not found' : errorMessage(err), err);
    }
    if (!change(object, target)) return false;
    try {
      await api.replace(resource, object);
      return true;
    } catch (err) {
      if (isConflict(err) && attempt < MAX_CONFLICT_RETRIES) continue;
      throw fail(target, errorMessage(err), err);
    }
  }
}
