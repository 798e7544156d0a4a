// The hash of a JSON value's content, the same for equal values whatever the order of their keys. It
// stands for a desired state in an annotation, and changes exactly when that state does: the applied
// object's own content (so an apply that drops a field is noticed) and a pod's configuration (so a
// changed ConfigMap rolls the pods that mount it, whose processes do not reload it).
import { createHash } from 'node:crypto';
import { canonicalJSON } from './json.ts';

/** 32 hex digits (128 bits) of the SHA-256 of the value's canonical JSON. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJSON(value)).digest('hex').slice(0, 32);
}
