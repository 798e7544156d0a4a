// Field errors in the shape the API server itself uses to reject an invalid object, so kubectl prints
// them the same way as the CRD's own schema errors.
import type { APIKind } from '../../shared/api/kinds.ts';
import { CAUSE_REASONS, type FieldError } from '../../shared/validation/field-error.ts';
import type { AdmissionStatus, StatusCause } from './admission-review.ts';

function errorKey(e: FieldError): string {
  return `${e.field}\u0000${e.type}\u0000${e.detail}`;
}

/** Drops errors that say the same thing twice (object and update rules may both report one). */
export function uniqueFieldErrors(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = errorKey(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `Kind.group "name" is invalid: <error>` or `... is invalid: [<error>, <error>]`, as the API server says it. */
export function invalidObjectStatus(
  apiKind: APIKind,
  name: string,
  errors: readonly FieldError[],
  format: (e: FieldError) => string,
): AdmissionStatus {
  const messages = errors.map(format);
  const list = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  const causes: StatusCause[] = errors.map((e, i) => {
    const message = messages[i] ?? '';
    const prefix = `${e.field}: `;
    return {
      field: e.field,
      reason: CAUSE_REASONS[e.type],
      message: message.startsWith(prefix) ? message.slice(prefix.length) : message,
    };
  });
  return {
    code: 422,
    reason: 'Invalid',
    message: `${apiKind.kind}.${apiKind.group} "${name}" is invalid: ${list}`,
    details: { name, group: apiKind.group, kind: apiKind.kind, causes },
  };
}
