// Typed failures of API calls. `APIError` carries what the API server answered (HTTP status, the
// Status reason and message) together with what was asked (verb and path); `APIConnectionError` means
// no answer arrived at all. Callers branch on these, never on message text.
import { errorMessage } from '../util/error-message.ts';

/** metav1.Status, as the API server returns it for failures and in watch ERROR events. */
export interface KubeStatus {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

export class APIError extends Error {
  readonly status: number;
  /** The Status reason, e.g. NotFound, Conflict, Expired, Gone; '' when the body had none. */
  readonly reason: string;
  readonly verb: string;
  readonly path: string;
  /** The server's message alone, without verb and path. */
  readonly serverMessage: string;
  readonly details: KubeStatus['details'];

  constructor(
    verb: string,
    path: string,
    status: number,
    body: KubeStatus | undefined,
    options?: ErrorOptions,
  ) {
    const reason = body?.reason ?? '';
    const message = body?.message ?? `HTTP ${status}`;
    super(`${verb} ${path}: ${status}${reason ? ` ${reason}` : ''}: ${message}`, options);
    this.name = 'APIError';
    this.status = status;
    this.reason = reason;
    this.verb = verb;
    this.path = path;
    this.serverMessage = message;
    this.details = body?.details;
  }
}

export class APIConnectionError extends Error {
  readonly verb: string;
  readonly path: string;
  constructor(verb: string, path: string, cause: unknown) {
    super(`${verb} ${path}: ${errorMessage(cause)}`, { cause });
    this.name = 'APIConnectionError';
    this.verb = verb;
    this.path = path;
  }
}

/** A response or watch line that is not the JSON the API promises. */
export class APIDecodeError extends Error {
  readonly verb: string;
  readonly path: string;
  readonly excerpt: string;
  constructor(verb: string, path: string, excerpt: string, cause?: unknown) {
    super(`${verb} ${path}: cannot decode response: ${JSON.stringify(excerpt.slice(0, 200))}`, { cause });
    this.name = 'APIDecodeError';
    this.verb = verb;
    this.path = path;
    this.excerpt = excerpt.slice(0, 200);
  }
}

function hasStatus(err: unknown, status: number): boolean {
  return err instanceof APIError && err.status === status;
}

export function isNotFound(err: unknown): boolean {
  return hasStatus(err, 404);
}

export function isConflict(err: unknown): boolean {
  return hasStatus(err, 409) && (err as APIError).reason !== 'AlreadyExists';
}

export function isAlreadyExists(err: unknown): boolean {
  return hasStatus(err, 409) && (err as APIError).reason === 'AlreadyExists';
}

/** The resourceVersion asked for is no longer available (compacted or expired): relist. */
export function isGone(err: unknown): boolean {
  return hasStatus(err, 410);
}

/**
 * Nothing accepted the connection (the API server is restarting, or not there): the request never reached
 * a server, so trying again soon costs it nothing.
 */
export function isConnectionRefused(err: unknown): boolean {
  if (!(err instanceof APIConnectionError)) return false;
  const cause: unknown = err.cause;
  return typeof cause === 'object' && cause !== null && (cause as { code?: unknown }).code === 'ECONNREFUSED';
}
