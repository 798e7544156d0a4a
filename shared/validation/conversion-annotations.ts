// The annotations conversion writes (`<group>/v1-fields`, `<group>/v1alpha1-fields`,
// `<group>/conversion-warnings`) carry fields into the stored object: `<group>/v1-fields` on a v1alpha1
// object becomes v1 fields. So they belong to the operator. A write may leave them out, send back exactly
// what a read returned (so `kubectl edit`, `replace` and `apply` in v1alpha1 keep the fields only v1
// has), or carry what the object written without them would be read back with; any other value is
// refused rather than trusted.
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { versionPairOf } from '../conversion/convert.ts';
import { conversionAnnotationKeys } from '../conversion/lossless.ts';
import { readBack } from '../conversion/read-back.ts';
import type { FieldError } from './field-error.ts';

const OWNED = 'written by the operator when it converts the object between versions';

function without(object: KubeObject, keys: readonly string[]): KubeObject {
  const { annotations: all, ...metadata } = object.metadata;
  const annotations = Object.fromEntries(Object.entries(all ?? {}).filter(([k]) => !keys.includes(k)));
  return {
    ...object,
    metadata: Object.keys(annotations).length === 0 ? metadata : { ...metadata, annotations },
  };
}

/**
 * Refuses conversion annotations on `object` that are neither absent, nor those of `old` (the stored
 * object as a read in the same version returns it; undefined on create), nor those the object written
 * without them is read back with.
 */
export function conversionAnnotationErrors(object: KubeObject, old: KubeObject | undefined): FieldError[] {
  const pair = versionPairOf(object.apiVersion, object.kind);
  if (!pair) return [];
  const keys = conversionAnnotationKeys(pair);
  const sent = object.metadata.annotations ?? {};
  const changed = keys.filter((k) => sent[k] !== undefined && sent[k] !== old?.metadata.annotations?.[k]);
  if (changed.length === 0) return [];
  const own = readBack(without(object, keys)).metadata.annotations ?? {};
  const tail = old
    ? 'it may only be sent back exactly as a read returned it, or left out'
    : 'a new object may not carry it: leave it out, and write fields another version holds in that version';
  return changed
    .filter((k) => sent[k] !== own[k])
    .map((k) => ({ field: `metadata.annotations[${k}]`, type: 'Forbidden', detail: `${OWNED}; ${tail}` }));
}
