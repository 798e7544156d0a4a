// What a reconciler implements, and how it tells the controller what to do next.
import type { Logger } from '../../../shared/logging/logger.ts';
import type { ObjectRef } from '../../../shared/kube/resource.ts';

/** The object to bring to its desired state; the reconciler reads the rest from the cache. */
export type ReconcileRequest = ObjectRef;

export interface ReconcileResult {
  /**
   * Reconcile again after this many milliseconds (e.g. to poll something outside the cluster). There is
   * no `requeue: true`, which controller-runtime deprecates: a reconciler that wants to come back says when.
   */
  requeueAfter?: number;
}

export interface ReconcileContext {
  /** Aborted when the process must stop at once (lease lost, shutdown grace expired). */
  signal: AbortSignal;
  /** Carries controller, namespace, name and a reconcile ID. */
  logger: Logger;
}

export interface Reconciler {
  reconcile(request: ReconcileRequest, ctx: ReconcileContext): Promise<ReconcileResult | void>;
}

/**
 * A failure retrying cannot fix, such as an invalid spec: it is logged and counted, and the key is not
 * retried until the object changes (which enqueues it again). Record the reason on the object's status
 * before throwing it. An error that wraps one (in its `cause` chain) is terminal too: see isTerminalError.
 */
export class TerminalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

/**
 * Whether `err` is a TerminalError or wraps one through `cause`, however deep, as Go's errors.Is
 * finds a wrapped error: adding context to a terminal failure must not make it retried.
 */
export function isTerminalError(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = err; typeof current === 'object' && current !== null;) {
    if (current instanceof TerminalError) return true;
    if (seen.has(current)) return false;
    seen.add(current);
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
