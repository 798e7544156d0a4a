// Deciding whether a server-side apply would change anything, from the cache alone, so a controller in
// steady state sends no writes at all.
//
// The desired object names only the fields we own. The API server adds defaults (and other managers
// add fields) around them, so "unchanged" means: every field we set has the value we want — the
// desired object is a subset of the cached one. That alone misses one case: a field we used to set and
// no longer do (apply would remove it). So the desired object also carries a hash of itself in an
// annotation; when the desired state changes in any way, the hash does, and we apply.
//
// Values must be written the way the API server stores them (e.g. quantities in canonical form, '1'
// not '1000m'), or the comparison sees a difference on every reconcile.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { contentHash } from '../../../shared/util/content-hash.ts';
import { isPlainObject } from '../../../shared/util/json.ts';

/**
 * True when every field set in `desired` has the same value in `actual`; null means "absent".
 * Lists of objects are the keyed lists of the Kubernetes API (containers, env, ports, volumes,
 * ownerReferences): other managers may add entries of their own, which our apply leaves alone, so our
 * entries need only appear in order among them. Lists of scalars (args, command) are atomic: equal or not.
 */
export function isSubsetOf(desired: unknown, actual: unknown): boolean {
  if (desired === null) return actual === null || actual === undefined;
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual)) return false;
    if (desired.length > 0 && desired.every(isPlainObject)) return isOrderedSubsequence(desired, actual);
    return actual.length === desired.length && desired.every((d, i) => isSubsetOf(d, actual[i]));
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(actual)) return false;
    return Object.entries(desired).every(
      ([key, value]) => value === undefined || isSubsetOf(value, actual[key]),
    );
  }
  return desired === actual;
}

/** Each desired entry matches a later actual entry than the one before (earliest match is optimal). */
function isOrderedSubsequence(desired: unknown[], actual: unknown[]): boolean {
  let next = 0;
  for (const entry of desired) {
    while (next < actual.length && !isSubsetOf(entry, actual[next])) next++;
    if (next === actual.length) return false;
    next++;
  }
  return true;
}

/** A copy of `desired` carrying the hash of its own content in `annotation`. */
export function withDesiredStateHash<T extends KubeObject>(desired: T, annotation: string): T {
  const { [annotation]: _previous, ...annotations } = desired.metadata.annotations ?? {};
  const base = { ...desired, metadata: { ...desired.metadata, annotations } };
  return {
    ...base,
    metadata: { ...base.metadata, annotations: { ...annotations, [annotation]: contentHash(base) } },
  };
}

/** Whether applying `desired` (already carrying its hash) could change `current`. */
export function needsApply(desired: KubeObject, current: KubeObject | undefined): boolean {
  return current === undefined || !isSubsetOf(desired, current);
}
