// An object in the version its writer used. The webhook configurations name every served version, so the
// API server sends each request in the version it was written in. With a configuration that names fewer,
// matchPolicy Equivalent has the API server convert the request to a named version first
// (request.kind then differs from request.requestKind), and the annotations the writer sent are gone
// into fields. Converting back restores them as conversion sees them, so the request is judged as written.
import type { APIKind } from '../../shared/api/kinds.ts';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { WebhookDomain } from '../domain/webhook-domain.ts';
import type { AdmissionRequest } from './admission-review.ts';

export function asWritten(
  req: AdmissionRequest,
  apiKind: APIKind,
  object: KubeObject,
  convert: WebhookDomain['convertObject'],
): KubeObject {
  const written = req.requestKind;
  if (
    written === undefined ||
    written.version === req.kind.version ||
    written.group !== apiKind.group ||
    written.kind !== apiKind.kind ||
    !apiKind.versions.some((v) => v.name === written.version)
  ) {
    return object;
  }
  return convert(object, `${written.group}/${written.version}`).object;
}
