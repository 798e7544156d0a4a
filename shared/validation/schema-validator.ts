// Schema validation with ajv over the very schemas the CRDs carry, with ajv's errors rewritten into the
// API server's field errors.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { findKindVersion } from '../api/kinds.ts';
import { KUBERNETES_SCHEMA_KEYWORDS, type JSONSchema } from '../api/schema/json-schema.ts';
import { describePattern } from './patterns.ts';
import type { FieldError } from './field-error.ts';

// ajv-formats is CommonJS: Node hands over module.exports, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    allowUnionTypes: true,
  });
  addFormats(ajv, ['uri', 'date-time', 'int32', 'int64']);
  for (const keyword of KUBERNETES_SCHEMA_KEYWORDS) ajv.addKeyword({ keyword });
  return ajv;
}

const compiled = new Map<string, ValidateFunction>();
let ajvInstance: Ajv | undefined;

/** The compiled validator of one kind and version; compiled once, on first use. */
function schemaValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}/${kind}`;
  const existing = compiled.get(key);
  if (existing) return existing;
  const found = findKindVersion(apiVersion, kind);
  if (!found) return undefined;
  ajvInstance ??= createAjv();
  const validate = ajvInstance.compile(found.version.schema);
  compiled.set(key, validate);
  return validate;
}

function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function valueAt(root: unknown, instancePath: string): unknown {
  let value = root;
  for (const part of instancePath.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function boundsDetail(schema: JSONSchema): string {
  const { minimum, maximum } = schema;
  if (minimum !== undefined && maximum !== undefined) return `must be between ${minimum} and ${maximum}`;
  if (minimum !== undefined) return `must be greater than or equal to ${minimum}`;
  return `must be less than or equal to ${maximum}`;
}

function toFieldError(e: ErrorObject, root: unknown): FieldError | undefined {
  const field = fieldPath(e.instancePath);
  const badValue = valueAt(root, e.instancePath);
  const schema = e.parentSchema as JSONSchema | undefined;
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { field: field ? `${field}.${missing}` : missing, type: 'Required', detail: '' };
    }
    case 'minimum':
    case 'maximum':
      return { field, type: 'Invalid', badValue, detail: boundsDetail(schema ?? {}) };
    case 'enum':
      return {
        field,
        type: 'NotSupported',
        badValue,
        detail: `supported values: ${(schema?.enum ?? []).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern':
      return {
        field,
        type: 'Invalid',
        badValue,
        detail: describePattern(String((e.params as { pattern: string }).pattern)),
      };
    case 'maxLength':
      return { field, type: 'TooLong', detail: `may not be more than ${schema?.maxLength} bytes` };
    case 'minLength':
      return {
        field,
        type: 'Invalid',
        badValue,
        detail:
          schema?.minLength === 1 ? 'must not be empty' : `must be at least ${schema?.minLength} characters`,
      };
    case 'maxItems':
      return { field, type: 'TooMany', detail: `must have at most ${schema?.maxItems} items` };
    case 'maxProperties':
      return { field, type: 'TooMany', detail: `must have at most ${schema?.maxProperties} entries` };
    case 'type':
      return {
        field,
        type: 'Invalid',
        badValue,
        detail: `must be of type ${(e.params as { type: string }).type}`,
      };
    case 'format':
      return {
        field,
        type: 'Invalid',
        badValue,
        detail: `must be a valid ${(e.params as { format: string }).format}`,
      };
    case 'anyOf':
      return schema?.['x-kubernetes-int-or-string']
        ? { field, type: 'Invalid', badValue, detail: 'must be an integer or a string' }
        : { field, type: 'Invalid', badValue, detail: e.message ?? 'is invalid' };
    default:
      return { field, type: 'Invalid', badValue, detail: e.message ?? 'is invalid' };
  }
}

/** Schema errors of an object of a served kind and version; undefined when the kind is not served. */
export function schemaErrors(object: { apiVersion: string; kind: string }): FieldError[] | undefined {
  const validate = schemaValidator(object.apiVersion, object.kind);
  if (!validate) return undefined;
  if (validate(object)) return [];
  const errors = validate.errors ?? [];
  // An int-or-string value that is neither reports once, for the anyOf, not once per branch.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  return errors
    .filter(
      (e) => !(e.keyword === 'type' && anyOfPaths.has(e.instancePath) && e.schemaPath.includes('/anyOf/')),
    )
    .map((e) => toFieldError(e, object))
    .filter((e): e is FieldError => e !== undefined);
}
