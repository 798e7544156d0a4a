// Validation of APIGatewayRoute and AIModel objects in any served version: the schema, then the rules
// the schema cannot say. Every error names the field, what is wrong and what is allowed.
import { findKindVersion } from '../api/kinds.ts';
import { isKubeObject, type KubeObject } from '../api/meta.ts';
import { convertObject } from '../conversion/convert.ts';
import type { FieldError } from './field-error.ts';
import {
  modelV1Rules,
  modelV1TransitionRules,
  modelV1alpha1Rules,
  routeV1Rules,
  routeV1alpha1Rules,
  type RuleFindings,
} from './rules.ts';
import { schemaErrors } from './schema-validator.ts';
import { v1alpha1AnnotationsErrors } from './v1alpha1-annotations.ts';

export type { FieldError } from './field-error.ts';
export { formatFieldError, formatFieldErrors } from './field-error.ts';

export interface ValidationResult {
  errors: FieldError[];
  warnings: string[];
}

const RULES: Record<string, (o: KubeObject) => RuleFindings> = {
  'gateway.example.com/v1/APIGatewayRoute': routeV1Rules,
  'gateway.example.com/v1alpha1/APIGatewayRoute': routeV1alpha1Rules,
  'ai.example.com/v1/AIModel': modelV1Rules,
  'ai.example.com/v1alpha1/AIModel': modelV1alpha1Rules,
};

function notServed(object: unknown): ValidationResult {
  const o = (typeof object === 'object' && object !== null ? object : {}) as Record<string, unknown>;
  return {
    errors: [
      {
        field: 'apiVersion',
        type: 'NotSupported',
        badValue: `${String(o.apiVersion)}, Kind=${String(o.kind)}`,
        detail:
          'supported: gateway.example.com/v1 and v1alpha1 APIGatewayRoute, ai.example.com/v1 and v1alpha1 AIModel',
      },
    ],
    warnings: [],
  };
}

export function validateObject(object: unknown): ValidationResult {
  if (!isKubeObject(object) || !findKindVersion(object.apiVersion, object.kind)) return notServed(object);
  const errors = schemaErrors(object) ?? [];
  const findings = RULES[`${object.apiVersion}/${object.kind}`]?.(object) ?? { errors: [], warnings: [] };
  const seen = new Set(errors.map((e) => `${e.field}\u0000${e.detail}`));
  const all = [...errors, ...findings.errors.filter((e) => !seen.has(`${e.field}\u0000${e.detail}`))];
  // Only a valid object is converted: an invalid one is refused already, and conversion expects valid input.
  if (all.length === 0) all.push(...v1alpha1AnnotationsErrors(object));
  return { errors: all, warnings: findings.warnings };
}

/** Validates an update: the new object, and what may not change from the old one. */
export function validateUpdate(object: unknown, old: unknown): ValidationResult {
  const result = validateObject(object);
  if (!isKubeObject(object) || !isKubeObject(old) || result.errors.some((e) => e.field === 'apiVersion'))
    return result;
  // Transitions are judged in the hub version, whatever version the two arrive in.
  const hubApiVersion = object.apiVersion.replace(/\/[^/]+$/, '/v1');
  let newHub: KubeObject;
  let oldHub: KubeObject;
  try {
    newHub = convertObject(object, hubApiVersion).object;
    oldHub = convertObject(old, hubApiVersion).object;
  } catch {
    return result;
  }
  if (object.kind === 'AIModel') result.errors.push(...modelV1TransitionRules(newHub, oldHub));
  return result;
}
