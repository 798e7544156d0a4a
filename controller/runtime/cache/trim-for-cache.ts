// What a cache keeps of an object from the API server: everything a controller reads, without the bulk
// only other tools use.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';

// kubectl apply keeps a whole copy of the object in this annotation; nothing in a controller reads it.
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * What the cache keeps of an object: all but metadata.managedFields (often half an object's size) and the
 * last-applied-configuration annotation, which only kubectl reads. Writes never send a cached object's
 * metadata back (status goes to the /status subresource, which keeps the stored metadata).
 */
export function trimForCache<T extends KubeObject>(object: T): T {
  const annotations = object.metadata.annotations;
  const lastApplied = annotations !== undefined && LAST_APPLIED in annotations;
  if (object.metadata.managedFields === undefined && !lastApplied) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  if (lastApplied) {
    const { [LAST_APPLIED]: _copy, ...rest } = annotations;
    metadata.annotations = rest;
  }
  return { ...object, metadata };
}
