// A write in a spoke version (v1alpha1) is stored as the hub version (v1), and the hub object is what the
// controller acts on: so it is judged by its hub meaning too. The object is converted with its
// annotations, as the API server will store it, and the hub version's full schema and rules run on the
// result. Each error names the spoke field the value came from, or the annotation that carried it.
import { parseAPIVersion } from '../kube/resource.ts';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { convertObject, versionPairOf } from '../conversion/convert.ts';
import { hubFieldOrigin } from '../conversion/field-origin.ts';
import type { FieldError } from './field-error.ts';
import { versionFindings } from './version-checks.ts';

function whereWritten(spoke: KubeObject, hub: KubeObject, hubField: string): string {
  const origin = hubFieldOrigin(spoke, hub, hubField);
  if (origin.source === 'field') return origin.field;
  if (origin.source === 'annotation') return `metadata.annotations[${origin.annotation}]`;
  return hubField;
}

/** `object` as the hub version stores it; `object` itself when written in the hub version. */
export function hubObject(object: KubeObject): KubeObject {
  const pair = versionPairOf(object.apiVersion, object.kind);
  if (!pair || parseAPIVersion(object.apiVersion).version === pair.hubVersion) return object;
  return convertObject(object, `${pair.group}/${pair.hubVersion}`).object;
}

/** Errors found on `hub` (hubObject(object)), each naming the field as `object` wrote it. */
export function namedAsWritten(object: KubeObject, hub: KubeObject, errors: FieldError[]): FieldError[] {
  if (hub === object) return errors;
  return errors.map((e) => {
    const where = `in ${hub.apiVersion} ${e.field}`;
    return {
      ...e,
      field: whereWritten(object, hub, e.field),
      detail: e.detail ? `${e.detail} (${where})` : where,
    };
  });
}

/** The hub version's errors for `object` converted to it, named as written; none for a hub object. */
export function hubMeaningErrors(object: KubeObject): FieldError[] {
  const hub = hubObject(object);
  return hub === object ? [] : namedAsWritten(object, hub, versionFindings(hub).errors);
}
