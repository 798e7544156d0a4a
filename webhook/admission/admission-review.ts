// admission.k8s.io/v1 AdmissionReview: reading the request the API server sends and shaping the answer.
// Only the envelope is checked here; what the object must look like is the handlers' business.
import { BadRequestError } from '../http/bad-request-error.ts';
import { isPlainObject } from '../../shared/util/json.ts';

const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;
type Operation = (typeof OPERATIONS)[number];

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface AdmissionRequest {
  uid: string;
  /** The kind and version of `object` and `oldObject`. */
  kind: GroupVersionKind;
  /** The kind and version the client wrote, when the API server converted the request to `kind`. */
  requestKind?: GroupVersionKind;
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
}

export interface StatusCause {
  field: string;
  message: string;
  reason: string;
}

export interface AdmissionStatus {
  code: number;
  reason: string;
  message: string;
  details?: { name?: string; group?: string; kind?: string; causes: StatusCause[] };
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  patchType?: 'JSONPatch';
  /** Base64 of the JSON Patch document. */
  patch?: string;
  warnings?: string[];
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

function requireString(obj: Record<string, unknown>, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== 'string') {
    throw new BadRequestError(`${where}.${key}: Required value: must be a string`, {
      field: `${where}.${key}`,
    });
  }
  return value;
}

function optionalString(obj: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new BadRequestError(`${where}.${key}: Invalid value: must be a string`, {
      field: `${where}.${key}`,
    });
  }
  return value;
}

function groupVersionKind(value: unknown, where: string): GroupVersionKind {
  if (!isPlainObject(value)) {
    throw new BadRequestError(`${where}: Required value: must be {group, version, kind}`, { field: where });
  }
  return {
    group: requireString(value, 'group', where),
    version: requireString(value, 'version', where),
    kind: requireString(value, 'kind', where),
  };
}

/** Checks the review envelope; throws BadRequestError naming the offending field. */
export function parseAdmissionReview(body: unknown): AdmissionRequest {
  if (!isPlainObject(body)) {
    throw new BadRequestError('body: Invalid value: must be a JSON object holding an AdmissionReview');
  }
  if (body.apiVersion !== ADMISSION_API_VERSION || body.kind !== 'AdmissionReview') {
    throw new BadRequestError(
      `apiVersion/kind: Unsupported value: ${JSON.stringify(body.apiVersion)}/${JSON.stringify(body.kind)}: ` +
        `supported values: "${ADMISSION_API_VERSION}"/"AdmissionReview"`,
      { field: 'apiVersion' },
    );
  }
  const request = body.request;
  if (!isPlainObject(request)) {
    throw new BadRequestError('request: Required value: an AdmissionReview must carry a request', {
      field: 'request',
    });
  }
  const uid = requireString(request, 'uid', 'request');
  if (uid === '') throw new BadRequestError('request.uid: Required value', { field: 'request.uid' });
  const kind = groupVersionKind(request.kind, 'request.kind');
  const requestKind =
    request.requestKind === undefined || request.requestKind === null
      ? undefined
      : groupVersionKind(request.requestKind, 'request.requestKind');
  const operation = requireString(request, 'operation', 'request');
  if (!(OPERATIONS as readonly string[]).includes(operation)) {
    throw new BadRequestError(
      `request.operation: Unsupported value: ${JSON.stringify(operation)}: supported values: ${OPERATIONS.join(', ')}`,
      { field: 'request.operation' },
    );
  }
  return {
    uid,
    kind,
    ...(requestKind ? { requestKind } : {}),
    subResource: optionalString(request, 'subResource', 'request'),
    name: optionalString(request, 'name', 'request'),
    namespace: optionalString(request, 'namespace', 'request'),
    operation: operation as Operation,
    object: request.object ?? undefined,
    oldObject: request.oldObject ?? undefined,
    dryRun: request.dryRun === true,
  };
}

export function admissionReview(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

/** A refusal that is not about the object's fields: wrong kind sent here, object missing or malformed. */
export function badRequestResponse(uid: string, message: string): AdmissionResponse {
  return { uid, allowed: false, status: { code: 400, reason: 'BadRequest', message } };
}

export function formatGroupVersionKind(gvk: GroupVersionKind): string {
  return gvk.group ? `${gvk.group}/${gvk.version}, Kind=${gvk.kind}` : `${gvk.version}, Kind=${gvk.kind}`;
}
