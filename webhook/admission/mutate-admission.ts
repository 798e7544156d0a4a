// The mutating webhook for one kind: fills in missing fields with their defaults and answers the change as
// a JSON Patch. Applying it twice changes nothing, so re-invocation by the API server is harmless.
import type { APIKind } from '../../shared/api/kinds.ts';
import type { WebhookDomain } from '../domain/webhook-domain.ts';
import type { AdmissionRequest, AdmissionResponse } from './admission-review.ts';
import { checkAdmissionTarget, requireObject } from './admission-target.ts';
import { diffJSON } from './json-patch.ts';

export interface MutateAdmissionDeps {
  domain: Pick<WebhookDomain, 'applyDefaults'>;
}

export function mutateAdmission(
  req: AdmissionRequest,
  apiKind: APIKind,
  deps: MutateAdmissionDeps,
): AdmissionResponse {
  checkAdmissionTarget(req, apiKind);
  if ((req.operation !== 'CREATE' && req.operation !== 'UPDATE') || req.subResource) {
    return { uid: req.uid, allowed: true };
  }
  // Diff against the object exactly as sent (not the namespace-filled copy) so the patch applies to it.
  requireObject(req, 'object');
  const sent = req.object;
  const ops = diffJSON(sent, deps.domain.applyDefaults(structuredClone(sent)));
  if (ops.length === 0) return { uid: req.uid, allowed: true };
  return {
    uid: req.uid,
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
  };
}
