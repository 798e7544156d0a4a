// Validation of APIGatewayRoute and AIModel objects in any served version: the schema, then the rules
// the schema cannot say, then (for a v1alpha1 object) the same for the v1 object it is stored as. A
// create or update is also judged by the installation's admission policy (local egress, model images)
// and for the annotations conversion writes. Every error names the field, what is wrong and what is
// allowed.
import { findKindVersion } from '../api/kinds.ts';
import { isKubeObject, type KubeObject } from '../kube/meta-v1-types.ts';
import { convertObject } from '../conversion/convert.ts';
import { deepEqual } from '../util/json.ts';
import { admissionPolicyErrors, DEFAULT_ADMISSION_POLICY, type AdmissionPolicy } from './admission-policy.ts';
import { conversionAnnotationErrors } from './conversion-annotations.ts';
import type { FieldError } from './field-error.ts';
import { hubMeaningErrors } from './hub-meaning.ts';
import { modelV1TransitionRules } from './rules.ts';
import { v1alpha1AnnotationsErrors } from './v1alpha1-annotations.ts';
import { versionFindings } from './version-checks.ts';

export { formatFieldError, formatFieldErrors } from './field-error.ts';

export interface ValidationResult {
  errors: FieldError[];
  warnings: string[];
}

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

function served(object: unknown): object is KubeObject {
  return isKubeObject(object) && findKindVersion(object.apiVersion, object.kind) !== undefined;
}

export function validateObject(object: unknown): ValidationResult {
  if (!served(object)) return notServed(object);
  const { errors, warnings } = versionFindings(object);
  // Only a valid object is converted: an invalid one is refused already, and conversion expects valid input.
  if (errors.length === 0) errors.push(...hubMeaningErrors(object));
  if (errors.length === 0) errors.push(...v1alpha1AnnotationsErrors(object));
  return { errors, warnings };
}

/** validateObject's findings, and the policy's once the object is otherwise valid (it is converted then). */
function admissionFindings(object: KubeObject, policy: AdmissionPolicy): ValidationResult {
  const result = validateObject(object);
  if (result.errors.length > 0) return result;
  return { ...result, errors: admissionPolicyErrors(object, policy) };
}

/** Validates a new object: validateObject, the policy, and no conversion annotations of its own making. */
export function validateCreate(object: unknown, policy = DEFAULT_ADMISSION_POLICY): ValidationResult {
  if (!served(object)) return validateObject(object);
  const result = admissionFindings(object, policy);
  return { ...result, errors: [...result.errors, ...conversionAnnotationErrors(object, undefined)] };
}

/**
 * Validates an update from `old` (the stored object as a read in the same version returns it): the new
 * object and the policy, what may not change, and the conversion annotations, which may only be sent back
 * as read.
 */
export function validateUpdate(
  object: unknown,
  old: unknown,
  policy = DEFAULT_ADMISSION_POLICY,
): ValidationResult {
  if (!served(object)) return validateObject(object);
  const result = admissionFindings(object, policy);
  if (!served(old) || old.kind !== object.kind) return result;
  // Transitions are judged in the hub version, whatever version the two arrive in.
  const hubAPIVersion = object.apiVersion.replace(/\/[^/]+$/, '/v1');
  const newHub = convertObject(object, hubAPIVersion).object;
  const oldHub = convertObject(old, hubAPIVersion).object;
  // An unchanged spec, in the version written and in v1, is not judged again: an object stored before a
  // rule or policy tightened must still accept metadata changes such as the removal of its finalizers.
  const unchanged = deepEqual(object.spec, old.spec) && deepEqual(newHub.spec, oldHub.spec);
  const errors = unchanged ? [] : [...result.errors];
  if (object.kind === 'AIModel') errors.push(...modelV1TransitionRules(newHub, oldHub));
  errors.push(...conversionAnnotationErrors(object, old));
  return { errors, warnings: result.warnings };
}
