// The domain rules the webhook serves, passed in rather than imported so that handlers stay pure
// request/response translation and can be tested with any rules. main.ts wires the shared ones.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { ObjectReference } from '../../shared/api/references.ts';
import type { FieldError } from '../../shared/validation/field-error.ts';
import type { ValidationResult } from '../../shared/validation/validate.ts';

export type { FieldError } from '../../shared/validation/field-error.ts';
export type { ValidationResult } from '../../shared/validation/validate.ts';
export type { ObjectReference, ReferencedKind } from '../../shared/api/references.ts';

export interface WebhookDomain {
  validateObject(obj: unknown): ValidationResult;
  /** validateObject's findings for a new object, and no conversion annotations it could not have been read with. */
  validateCreate(obj: unknown): ValidationResult;
  /**
   * The findings for an update from `oldObj` (both in the version written): validateObject's for
   * `newObj` unless its spec is unchanged, the rules on the change (immutable fields), and conversion
   * annotations only as a read returned them.
   */
  validateUpdate(newObj: unknown, oldObj: unknown): ValidationResult;
  /** The API server's wording: `spec.destinationPort: Invalid value: 70000: must be between 1 and 65535`. */
  formatFieldError(e: FieldError): string;
  /** Pure and idempotent; fills only missing fields. */
  applyDefaults<T>(obj: T): T;
  /** Throws for kinds or versions it does not know. */
  convertObject(obj: KubeObject, desiredAPIVersion: string): { object: KubeObject; warnings: string[] };
  referencedObjects(obj: KubeObject): ObjectReference[];
}
