// A v1 object read as v1alpha1 carries the fields v1alpha1 cannot hold in an annotation, and the API
// server refuses any object whose annotations exceed 256 KiB in all; one such object would break every
// list and watch of v1alpha1 that holds it. So a v1 object whose v1alpha1 form would be too large is
// refused when it is written, where the user can still act on it.
import { findKindVersion } from '../api/kinds.ts';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { convertObject } from '../conversion/convert.ts';
import type { FieldError } from './field-error.ts';

/** The API server's bound on the total size of an object's annotations, keys and values (apimachinery). */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function annotationsBytes(annotations: Record<string, string> | undefined): number {
  return Object.entries(annotations ?? {}).reduce(
    (total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
}

/**
 * Read as v1alpha1, an object carries its own annotations (but those conversion writes), the fields
 * v1alpha1 cannot hold (values of its spec and status, as JSON, and the names of fields its own
 * v1alpha1-fields annotation holds), and conversion warnings (fixed texts, and at most that annotation
 * again with what JSON.parse says of it). Each is part of the object's JSON at most once, or twice for
 * that annotation: all together they hold less than three times the bytes of the object as JSON, plus
 * the fixed texts and names of the mapping. An object that small cannot exceed the API server's bound,
 * and is not converted to find out.
 */
const FIXED_TEXT_BYTES = 16 * 1024;

function tooSmallToExceed(object: KubeObject): boolean {
  let json: string | undefined;
  try {
    json = JSON.stringify(object);
  } catch {
    return false;
  }
  return json !== undefined && 3 * Buffer.byteLength(json) + FIXED_TEXT_BYTES <= MAX_ANNOTATIONS_BYTES;
}

export function v1alpha1AnnotationsErrors(object: KubeObject): FieldError[] {
  const alpha = object.apiVersion.replace(/\/v1$/, '/v1alpha1');
  if (alpha === object.apiVersion || !findKindVersion(alpha, object.kind)) return [];
  if (tooSmallToExceed(object)) return [];
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
