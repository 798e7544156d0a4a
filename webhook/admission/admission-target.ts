// Which requests a kind's admission endpoints accept: the kind they were registered for, in a version the
// CRD serves, carrying an object of that same kind and version.
import type { APIKind } from '../../shared/api/kinds.ts';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { isKubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { AdmissionRequest } from './admission-review.ts';
import { formatGroupVersionKind } from './admission-review.ts';

export class AdmissionTargetError extends Error {
  readonly uid: string;
  constructor(message: string, uid: string) {
    super(message);
    this.name = 'AdmissionTargetError';
    this.uid = uid;
  }
}

/** Throws AdmissionTargetError unless the request is for `apiKind` in a version it serves. */
export function checkAdmissionTarget(req: AdmissionRequest, apiKind: APIKind): void {
  const versions = apiKind.versions.map((v) => v.name);
  if (
    req.kind.group !== apiKind.group ||
    req.kind.kind !== apiKind.kind ||
    !versions.includes(req.kind.version as never)
  ) {
    throw new AdmissionTargetError(
      `request.kind: Unsupported value: "${formatGroupVersionKind(req.kind)}": this endpoint handles ` +
        `${apiKind.kind}.${apiKind.group} in versions ${versions.join(', ')}; check the webhook configuration's rules`,
      req.uid,
    );
  }
}

/** The request's object (or old object), which must be of the kind and version the request names. */
export function requireObject(req: AdmissionRequest, which: 'object' | 'oldObject'): KubeObject {
  const value = req[which];
  const where = `request.${which}`;
  if (!isKubeObject(value)) {
    throw new AdmissionTargetError(
      `${where}: Required value: must be an object with apiVersion, kind and metadata`,
      req.uid,
    );
  }
  const expected = `${req.kind.group}/${req.kind.version}`;
  if (value.apiVersion !== expected || value.kind !== req.kind.kind) {
    throw new AdmissionTargetError(
      `${where}: Invalid value: "${value.apiVersion}, Kind=${value.kind}": must match request.kind "${expected}, Kind=${req.kind.kind}"`,
      req.uid,
    );
  }
  // The API server sets the namespace from the request path; fill it in for objects that omit it.
  if (!value.metadata.namespace && req.namespace) {
    return { ...value, metadata: { ...value.metadata, namespace: req.namespace } };
  }
  return value;
}
