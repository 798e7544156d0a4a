// Defaults, applied by the mutating webhook. Unconditional defaults are the schema's own `default`s,
// which the API server applies too; the conditional ones (a served model's replicas and port) only this
// function knows. Pure and idempotent: only missing fields are set.
import { findKindVersion } from '../api/kinds.ts';
import { isKubeObject, type KubeObject } from '../kube/meta-v1-types.ts';
import type { JSONSchema } from '../api/schema/json-schema.ts';
import { cloneJSON, isPlainObject, type JSONObject } from '../util/json.ts';

export const DEFAULT_MODEL_REPLICAS = 1;
export const DEFAULT_MODEL_PORT = 8080;

function applySchemaDefaults(schema: JSONSchema, value: unknown): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) applySchemaDefaults(schema.items, item);
    return;
  }
  if (!isPlainObject(value) || !schema.properties) return;
  for (const [name, child] of Object.entries(schema.properties)) {
    if (value[name] === undefined && child.default !== undefined) value[name] = cloneJSON(child.default);
    if (value[name] !== undefined) applySchemaDefaults(child, value[name]);
  }
}

function applyModelDefaults(spec: JSONObject): void {
  if (spec.image === undefined) return;
  spec.replicas ??= DEFAULT_MODEL_REPLICAS;
  spec.port ??= DEFAULT_MODEL_PORT;
}

/** A copy of `object` with its missing fields defaulted; objects of other kinds come back unchanged. */
export function applyDefaults<T>(object: T): T {
  if (!isKubeObject(object)) return object;
  const found = findKindVersion(object.apiVersion, object.kind);
  if (!found) return object;
  const result = cloneJSON(object) as KubeObject;
  // Status belongs to the controller; defaulting it would make every write look like a change.
  const { status: _status, ...specSchema } = found.version.schema.properties ?? {};
  applySchemaDefaults({ ...found.version.schema, properties: specSchema }, result);
  if (found.kind.kind === 'AIModel' && found.version.name === 'v1' && isPlainObject(result.spec)) {
    applyModelDefaults(result.spec);
  }
  return result as T;
}
