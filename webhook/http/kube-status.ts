// The metav1.Status body Kubernetes components answer errors with, so the API server (and a human with
// curl) reads why a request was refused.
import type { KubeStatus } from '../../shared/kube/api-error.ts';

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  408: 'Timeout',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  500: 'InternalError',
};

/** A failure, with every field a client reads set. */
export type FailureStatus = Required<
  Pick<KubeStatus, 'kind' | 'apiVersion' | 'status' | 'message' | 'reason' | 'code'>
> & {
  metadata: Record<string, never>;
};

export function failureStatus(code: number, message: string): FailureStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest'),
    code,
  };
}
