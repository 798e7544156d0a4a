// apiextensions.k8s.io/v1 ConversionReview: reading the API server's request and shaping the answer.
import { isPlainObject } from '../../shared/util/json.ts';
import { BadRequestError } from '../http/bad-request-error.ts';

const CONVERSION_API_VERSION = 'apiextensions.k8s.io/v1';

export interface ConversionRequest {
  uid: string;
  desiredAPIVersion: string;
  objects: unknown[];
}

export interface ConversionResponse {
  uid: string;
  convertedObjects: unknown[];
  result: { status: 'Success' } | { status: 'Failure'; message: string };
}

export interface ConversionReviewResponse {
  apiVersion: typeof CONVERSION_API_VERSION;
  kind: 'ConversionReview';
  response: ConversionResponse;
}

/** Checks the review envelope; throws BadRequestError naming the offending field. */
export function parseConversionReview(body: unknown): ConversionRequest {
  if (!isPlainObject(body)) {
    throw new BadRequestError('body: Invalid value: must be a JSON object holding a ConversionReview');
  }
  if (body.apiVersion !== CONVERSION_API_VERSION || body.kind !== 'ConversionReview') {
    throw new BadRequestError(
      `apiVersion/kind: Unsupported value: ${JSON.stringify(body.apiVersion)}/${JSON.stringify(body.kind)}: ` +
        `supported values: "${CONVERSION_API_VERSION}"/"ConversionReview"`,
      { field: 'apiVersion' },
    );
  }
  const request = body.request;
  if (!isPlainObject(request)) {
    throw new BadRequestError('request: Required value: a ConversionReview must carry a request', {
      field: 'request',
    });
  }
  if (typeof request.uid !== 'string' || request.uid === '') {
    throw new BadRequestError('request.uid: Required value: must be a non-empty string', {
      field: 'request.uid',
    });
  }
  if (typeof request.desiredAPIVersion !== 'string' || request.desiredAPIVersion === '') {
    throw new BadRequestError('request.desiredAPIVersion: Required value: must be "group/version"', {
      field: 'request.desiredAPIVersion',
    });
  }
  if (!Array.isArray(request.objects)) {
    throw new BadRequestError('request.objects: Required value: must be a list of objects', {
      field: 'request.objects',
    });
  }
  return { uid: request.uid, desiredAPIVersion: request.desiredAPIVersion, objects: request.objects };
}

export function conversionReview(response: ConversionResponse): ConversionReviewResponse {
  return { apiVersion: CONVERSION_API_VERSION, kind: 'ConversionReview', response };
}

/**
 * JSON.stringify(conversionReview(response)) as UTF-8 bytes, byte for byte, made one converted object at
 * a time: a review of many objects is never one large string, whose allocation costs more than
 * serializing it.
 */
export function conversionReviewJSON(response: ConversionResponse): Buffer {
  const head =
    `{"apiVersion":${JSON.stringify(CONVERSION_API_VERSION)},"kind":"ConversionReview",` +
    `"response":{"uid":${JSON.stringify(response.uid)},"convertedObjects":[`;
  const tail = `],"result":${JSON.stringify(response.result)}}}`;
  // JSON.stringify writes null for an array element it cannot serialize.
  const parts = response.convertedObjects.map((o) => JSON.stringify(o) ?? 'null');
  let length = Buffer.byteLength(head) + Buffer.byteLength(tail) + Math.max(0, parts.length - 1);
  for (const part of parts) length += Buffer.byteLength(part);
  const bytes = Buffer.allocUnsafe(length);
  let at = bytes.write(head, 0);
  parts.forEach((part, i) => {
    if (i > 0) at = bytes.writeUInt8(0x2c, at); // ','
    at += bytes.write(part, at);
  });
  bytes.write(tail, at);
  return bytes;
}
