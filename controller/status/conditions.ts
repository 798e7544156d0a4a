// metav1.Condition bookkeeping as Kubernetes API conventions want it: one condition per type, and
// lastTransitionTime moves only when the status does, so an unchanged state never looks like a change.
import type { Condition, ConditionStatus } from '../../shared/api/meta.ts';

export const READY = 'Ready';
export const PROGRESSING = 'Progressing';
export const DEGRADED = 'Degraded';

/** A condition as a reconcile decides it; the timestamp is filled in by `mergeConditions`. */
export interface ConditionDecision {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

export function condition(
  type: string,
  status: ConditionStatus,
  reason: string,
  message: string,
): ConditionDecision {
  return { type, status, reason, message };
}

/**
 * The conditions to report: `decisions` in order, each keeping the previous lastTransitionTime when its
 * status is unchanged. Types not decided are dropped.
 */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  decisions: readonly ConditionDecision[],
  observedGeneration: number | undefined,
  now: string,
): Condition[] {
  return decisions.map((decision) => {
    const before = previous?.find((c) => c.type === decision.type);
    return {
      type: decision.type,
      status: decision.status,
      ...(observedGeneration === undefined ? {} : { observedGeneration }),
      lastTransitionTime: before && before.status === decision.status ? before.lastTransitionTime : now,
      reason: decision.reason,
      message: decision.message,
    };
  });
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
