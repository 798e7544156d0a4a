// The domain rules the webhook serves, passed in rather than imported so that handlers stay pure
// request/response translation and can be tested with any rules. main.ts wires the shared ones.
import type { KubeObject } from '../../shared/api/meta.ts';

export type FieldErrorType =
  'Invalid' | 'Required' | 'NotSupported' | 'Forbidden' | 'TooLong' | 'TooMany' | 'Duplicate';

export interface FieldError {
  field: string;
  type: FieldErrorType;
  badValue?: unknown;
  detail: string;
}

export interface ValidationResult {
  errors: FieldError[];
  warnings: string[];
}

export type ReferencedKind = 'Service' | 'Secret' | 'ConfigMap' | 'AIModel';

export interface ObjectReference {
  kind: ReferencedKind;
  namespace: string;
  name: string;
  /** The field that names the object, e.g. `spec.destinationService`. */
  field: string;
}

export interface WebhookDomain {
  validateObject(obj: unknown): ValidationResult;
  /** validateObject's findings for `newObj` plus rules on the change from `oldObj` (immutable fields). */
  validateUpdate(newObj: unknown, oldObj: unknown): ValidationResult;
  /** The API server's wording: `spec.destinationPort: Invalid value: 70000: must be between 1 and 65535`. */
  formatFieldError(e: FieldError): string;
  /** Pure and idempotent; fills only missing fields. */
  applyDefaults<T>(obj: T): T;
  /** Throws for kinds or versions it does not know. */
  convertObject(obj: KubeObject, desiredAPIVersion: string): { object: KubeObject; warnings: string[] };
  referencedObjects(obj: KubeObject): ObjectReference[];
}
