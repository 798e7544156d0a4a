// The validating webhook for one kind: field errors reject the object; references to objects that do not
// exist (yet) only warn, because creation order across kinds is not something users control.
import type { APIKind } from '../../shared/api/kinds.ts';
import type { KubeObject } from '../../shared/api/meta.ts';
import { deepEqual } from '../../shared/util/json.ts';
import type { FieldError, WebhookDomain } from '../domain/webhook-domain.ts';
import type { ReferenceChecker } from '../references/reference-checker.ts';
import type { AdmissionRequest, AdmissionResponse } from './admission-review.ts';
import { checkAdmissionTarget, requireObject } from './admission-target.ts';
import { errorKey, invalidObjectStatus, uniqueFieldErrors } from './field-errors.ts';

export interface ValidateAdmissionDeps {
  domain: Pick<WebhookDomain, 'validateObject' | 'validateUpdate' | 'formatFieldError' | 'referencedObjects'>;
  references: ReferenceChecker;
}

function objectName(obj: KubeObject, req: AdmissionRequest): string {
  return obj.metadata.name ?? req.name ?? obj.metadata.generateName ?? '';
}

export async function validateAdmission(
  req: AdmissionRequest,
  apiKind: APIKind,
  deps: ValidateAdmissionDeps,
): Promise<AdmissionResponse> {
  checkAdmissionTarget(req, apiKind);
  // Deletes and status writes carry nothing this webhook judges.
  if ((req.operation !== 'CREATE' && req.operation !== 'UPDATE') || req.subResource) {
    return { uid: req.uid, allowed: true };
  }
  const object = requireObject(req, 'object');
  const { domain } = deps;
  const errors: FieldError[] = [];
  const warnings: string[] = [];

  const current = domain.validateObject(object);
  warnings.push(...current.warnings);
  if (req.operation === 'UPDATE') {
    const oldObject = requireObject(req, 'oldObject');
    const update = domain.validateUpdate(object, oldObject);
    const known = new Set(current.errors.map(errorKey));
    const transitionErrors = update.errors.filter((e) => !known.has(errorKey(e)));
    // An unchanged spec is not judged again: an object stored before a rule tightened must still accept
    // metadata changes such as the removal of its finalizers. Transition rules always apply.
    if (!deepEqual(object.spec, oldObject.spec)) errors.push(...current.errors);
    errors.push(...transitionErrors);
    warnings.push(...update.warnings);
  } else {
    errors.push(...current.errors);
  }

  const unique = uniqueFieldErrors(errors);
  if (unique.length > 0) {
    return {
      uid: req.uid,
      allowed: false,
      status: invalidObjectStatus(apiKind, objectName(object, req), unique, domain.formatFieldError),
      ...(warnings.length > 0 ? { warnings: [...new Set(warnings)] } : {}),
    };
  }
  warnings.push(...(await deps.references.check(domain.referencedObjects(object))));
  return {
    uid: req.uid,
    allowed: true,
    ...(warnings.length > 0 ? { warnings: [...new Set(warnings)] } : {}),
  };
}
