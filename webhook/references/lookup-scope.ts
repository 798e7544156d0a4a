// A reference lookup tells whether an object exists, so lookups stay where the writer already works: the
// namespace of the object under review, and only when that is the namespace the request was made in (a
// review sent to the webhook by hand could otherwise ask about any namespace).
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { ObjectReference } from '../domain/webhook-domain.ts';

export function referencesInScope(
  refs: readonly ObjectReference[],
  object: KubeObject,
  requestNamespace: string | undefined,
): ObjectReference[] {
  const namespace = object.metadata.namespace;
  if (!namespace || namespace !== requestNamespace) return [];
  return refs.filter((r) => r.namespace === namespace);
}
