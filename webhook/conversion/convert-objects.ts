// Converts a ConversionReview's objects, in order. The API server rejects a conversion that changes any
// metadata but labels and annotations, so everything else in metadata is copied back from the source.
import type { KubeObject, ObjectMeta } from '../../shared/kube/meta-v1-types.ts';
import { isKubeObject } from '../../shared/kube/meta-v1-types.ts';
import { ConversionError } from '../../shared/conversion/errors.ts';
import type { WebhookDomain } from '../domain/webhook-domain.ts';
import type { ConversionRequest, ConversionResponse } from './conversion-review.ts';

export interface ConvertObjectsDeps {
  domain: Pick<WebhookDomain, 'convertObject'>;
}

export interface ConversionOutcome {
  response: ConversionResponse;
  /** What the conversion could not carry over cleanly, per object; ConversionReview has no place for it. */
  warnings: string[];
  /** What failed inside the webhook, for its log only: the answer says no more than that it happened. */
  internalError?: unknown;
}

function describeObject(value: unknown, index: number): string {
  if (!isKubeObject(value)) return `request.objects[${index}]`;
  const { namespace, name } = value.metadata;
  return `request.objects[${index}] (${value.apiVersion}, Kind=${value.kind} ${namespace ? `${namespace}/` : ''}${name ?? ''})`;
}

function withSourceMetadata(converted: KubeObject, source: KubeObject): KubeObject {
  const { labels: _l, annotations: _a, ...kept } = source.metadata;
  const metadata: ObjectMeta = { ...kept };
  if (converted.metadata.labels !== undefined) metadata.labels = converted.metadata.labels;
  if (converted.metadata.annotations !== undefined) metadata.annotations = converted.metadata.annotations;
  return { ...converted, metadata };
}

function failure(
  req: ConversionRequest,
  source: unknown,
  index: number,
  message: string,
): ConversionResponse {
  return {
    uid: req.uid,
    convertedObjects: [],
    result: {
      status: 'Failure',
      message: `converting ${describeObject(source, index)} to ${req.desiredAPIVersion}: ${message}`,
    },
  };
}

export function convertObjects(req: ConversionRequest, deps: ConvertObjectsDeps): ConversionOutcome {
  const convertedObjects: unknown[] = [];
  const warnings: string[] = [];
  // One object that cannot convert fails the whole review: the API server accepts no partial answer.
  for (const [index, source] of req.objects.entries()) {
    if (!isKubeObject(source)) {
      const message = 'Invalid value: must be an object with apiVersion, kind and metadata';
      return { response: failure(req, source, index, message), warnings };
    }
    try {
      const result = deps.domain.convertObject(source, req.desiredAPIVersion);
      convertedObjects.push(withSourceMetadata(result.object, source));
      warnings.push(...result.warnings.map((w) => `${describeObject(source, index)}: ${w}`));
    } catch (err) {
      // A ConversionError says what the caller sent wrong; anything else is a fault inside, kept for the log.
      if (err instanceof ConversionError) {
        return { response: failure(req, source, index, err.message), warnings };
      }
      return {
        response: failure(
          req,
          source,
          index,
          `internal error; the webhook's log has it under uid ${req.uid}`,
        ),
        warnings,
        internalError: err,
      };
    }
  }
  return { response: { uid: req.uid, convertedObjects, result: { status: 'Success' } }, warnings };
}
