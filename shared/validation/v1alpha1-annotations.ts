// A v1 object read as v1alpha1 carries the fields v1alpha1 cannot hold in an annotation, and the API
// server refuses any object whose annotations exceed 256 KiB in all; one such object would break every
// list and watch of v1alpha1 that holds it. So a v1 object whose v1alpha1 form would be too large is
// refused when it is written, where the user can still act on it.
import { findKindVersion } from '../api/kinds.ts';
import type { KubeObject } from '../api/meta.ts';
import { convertObject } from '../conversion/convert.ts';
import type { FieldError } from './field-error.ts';

/** The API server's bound on the total size of an object's annotations, keys and values (apimachinery). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function annotationsBytes(annotations: Record<string, string> | undefined): number {
  return Object.entries(annotations ?? {}).reduce(
    (total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
}

export function v1alpha1AnnotationsErrors(object: KubeObject): FieldError[] {
  const alpha = object.apiVersion.replace(/\/v1$/, '/v1alpha1');
  if (alpha === object.apiVersion || !findKindVersion(alpha, object.kind)) return [];
  let converted: KubeObject;
  try {
    converted = convertObject(object, alpha).object;
  } catch {
    // An object conversion cannot handle is refused by the other rules, with a better message.
    return [];
  }
  const bytes = annotationsBytes(converted.metadata.annotations);
  if (bytes <= MAX_ANNOTATIONS_BYTES) return [];
  return [
    {
      field: 'spec',
      type: 'TooLong',
      detail: `read as ${alpha} it would carry ${bytes} bytes of annotations (the fields ${alpha} cannot hold, and the object's own), more than the ${MAX_ANNOTATIONS_BYTES} the API server allows; make the largest of them smaller`,
    },
  ];
}
