// Field errors in the API server's own words (k8s.io/apimachinery/pkg/util/validation/field), so a
// rejection from the webhook reads like one from the API server:
//   spec.destinationPort: Invalid value: 70000: must be between 1 and 65535

export type FieldErrorType =
  'Invalid' | 'Required' | 'NotSupported' | 'Forbidden' | 'TooLong' | 'TooMany' | 'Duplicate';

export interface FieldError {
  /** Path of the field, e.g. `spec.hosts[1]`. */
  field: string;
  type: FieldErrorType;
  badValue?: unknown;
  /** What is allowed, or why the value is wrong. */
  detail: string;
}

const TYPE_WORDS: Record<FieldErrorType, string> = {
  Invalid: 'Invalid value',
  Required: 'Required value',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
  Duplicate: 'Duplicate value',
};

/** The StatusCause reason the API server uses for each type. */
export const CAUSE_REASONS: Record<FieldErrorType, string> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Duplicate: 'FieldValueDuplicate',
};

/** Scalars are shown as the API server shows them; objects and lists, as it does too, not at all. */
function renderValue(value: unknown): string | undefined {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return undefined;
}

/** The message without the field path, as in a StatusCause. */
function formatFieldErrorBody(e: FieldError): string {
  const words = TYPE_WORDS[e.type];
  const showsValue = e.type === 'Invalid' || e.type === 'NotSupported' || e.type === 'Duplicate';
  const rendered = showsValue ? renderValue(e.badValue) : undefined;
  const value = rendered === undefined ? '' : `: ${rendered}`;
  return e.detail ? `${words}${value}: ${e.detail}` : `${words}${value}`;
}

export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${formatFieldErrorBody(e)}`;
}

/** `spec.a: ...` errors joined the way the API server joins an aggregate: `[e1, e2]` for several. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  const messages = errors.map(formatFieldError);
  return messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`;
}

export function childPath(parent: string, child: string | number): string {
  if (typeof child === 'number') return `${parent}[${child}]`;
  return parent ? `${parent}.${child}` : child;
}
