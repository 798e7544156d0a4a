// What a reconciler does when writing an object's children throws, the same for both kinds. A
// cancelled reconcile rethrows at once, writing nothing more. A child held by an object the operator did
// not make is reported, not thrown, and looked at again after CHILD_CONFLICT_RETRY_MS, as its deletion
// sends no event. Any other error is reported as a failure (status not Ready, with the Warning Event that
// goes with it) and rethrown, so that the work queue retries with backoff; a status write that fails
// meanwhile is only logged, as the error worth retrying and telling is the one that stopped the apply.
import { errorMessage } from '../../shared/util/error-message.ts';
import type { ReconcileContext, ReconcileResult } from '../runtime/controller/reconciler.ts';
import { CHILD_CONFLICT_RETRY_MS, ChildConflictError } from './child-conflicts.ts';

export interface ApplyFailureReport {
  /** What was being done, the start of the failure's message: "applying gateway api-gw". */
  doing: string;
  /** Reports a child held by a foreign object in status (and its Event); the reconcile then returns. */
  conflict(err: ChildConflictError): Promise<unknown>;
  /** Records the failure's Warning Event and writes it in status: ReconcileFailed, not Ready. */
  failed(message: string): Promise<unknown>;
}

/** Reports `err`, thrown while applying children, and rethrows it unless it is a conflict. */
export async function reportApplyFailure(
  err: unknown,
  ctx: ReconcileContext,
  report: ApplyFailureReport,
): Promise<ReconcileResult> {
  if (ctx.signal.aborted) throw err;
  if (err instanceof ChildConflictError) {
    await report.conflict(err);
    return { requeueAfter: CHILD_CONFLICT_RETRY_MS };
  }
  try {
    await report.failed(`${report.doing} failed: ${errorMessage(err)}`);
  } catch (statusErr) {
    ctx.logger.warn('could not record the failure in status', { error: errorMessage(statusErr) });
  }
  throw err;
}
