// Where a field of an object converted to the hub version came from: a field the writer set in the spoke
// version (through the pair's field mappings), the annotation that carries what the spoke version cannot
// hold, or conversion itself. An error found in the converted object can so name what was written.
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { deepEqual, isPlainObject } from '../util/json.ts';
import { versionPairOf } from './convert.ts';
import { fieldsAnnotationKey } from './lossless.ts';

export type FieldOrigin =
  | { source: 'field'; field: string }
  | { source: 'annotation'; annotation: string }
  | { source: 'conversion' };

/** `spec.resources.requests[cpu]` -> spec, resources, requests, cpu. */
function pathTokens(field: string): string[] {
  return [...field.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)].map((m) => m[1] ?? m[2] ?? '');
}

function valueAt(root: unknown, tokens: readonly string[]): unknown {
  let value = root;
  for (const token of tokens) {
    if (Array.isArray(value)) value = value[Number(token)];
    else value = isPlainObject(value) ? value[token] : undefined;
  }
  return value;
}

function within(field: string, prefix: string): boolean {
  return field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`);
}

/** Where the value at `hubField` of `hub`, the conversion of `spoke` to the hub version, came from. */
export function hubFieldOrigin(spoke: KubeObject, hub: KubeObject, hubField: string): FieldOrigin {
  const pair = versionPairOf(spoke.apiVersion, spoke.kind);
  const [section, ...rest] = pathTokens(hubField);
  if (!pair || rest.length === 0 || (section !== 'spec' && section !== 'status')) {
    return { source: 'field', field: hubField };
  }
  // What the plain mapping does not give, the annotation put there (or took away).
  const plain = pair.toHub(spoke)[section];
  if (!deepEqual(valueAt(hub[section], rest), valueAt(plain, rest))) {
    return { source: 'annotation', annotation: fieldsAnnotationKey(pair.group, pair.hubVersion) };
  }
  const [prefix] = Object.keys(pair.spokeFields)
    .filter((p) => within(hubField, p))
    .sort((a, b) => b.length - a.length);
  if (prefix === undefined) return { source: 'conversion' };
  return { source: 'field', field: `${pair.spokeFields[prefix]}${hubField.slice(prefix.length)}` };
}
