// The validating webhook for one kind: field errors reject the object; references to objects that do not
// exist (yet) only warn, because creation order across kinds is not something users control.
import type { APIKind } from '../../shared/api/kinds.ts';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { WebhookDomain } from '../domain/webhook-domain.ts';
import { referencesInScope } from '../references/lookup-scope.ts';
import type { ReferenceChecker } from '../references/reference-checker.ts';
import type { AdmissionRequest, AdmissionResponse } from './admission-review.ts';
import { checkAdmissionTarget, requireObject } from './admission-target.ts';
import { asWritten } from './as-written.ts';
import { invalidObjectStatus, uniqueFieldErrors } from './field-errors.ts';

export interface ValidateAdmissionDeps {
  domain: Pick<
    WebhookDomain,
    'validateCreate' | 'validateUpdate' | 'formatFieldError' | 'referencedObjects' | 'convertObject'
  >;
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
  const { domain } = deps;
  const written = (which: 'object' | 'oldObject') =>
    asWritten(req, apiKind, requireObject(req, which), domain.convertObject);
  const object = written('object');
  const result =
    req.operation === 'CREATE'
      ? domain.validateCreate(object)
      : domain.validateUpdate(object, written('oldObject'));
  const warnings = [...result.warnings];
  const errors = uniqueFieldErrors(result.errors);
  if (errors.length > 0) {
    return {
      uid: req.uid,
      allowed: false,
      status: invalidObjectStatus(apiKind, objectName(object, req), errors, domain.formatFieldError),
      ...(warnings.length > 0 ? { warnings: [...new Set(warnings)] } : {}),
    };
  }
  const refs = referencesInScope(domain.referencedObjects(object), object, req.namespace);
  warnings.push(...(await deps.references.check(refs)));
  return {
    uid: req.uid,
    allowed: true,
    ...(warnings.length > 0 ? { warnings: [...new Set(warnings)] } : {}),
  };
}
