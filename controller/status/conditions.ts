// metav1.Condition bookkeeping as Kubernetes API conventions want it: one condition per type, and
// lastTransitionTime moves only when the status does, so an unchanged state never looks like a change.
// Ready is what `kubectl wait` and GitOps tools read; Progressing and Degraded tell a rollout in flight
// from a problem that needs a person.
import type { Condition, ConditionStatus } from '../../shared/kube/meta-v1-types.ts';
import type { Reason } from './reasons.ts';

export const READY = 'Ready';
export const PROGRESSING = 'Progressing';
export const DEGRADED = 'Degraded';

/** A condition as a reconcile decides it; the timestamp is filled in by `mergeConditions`. */
export interface ConditionDecision {
  type: string;
  status: ConditionStatus;
  reason: Reason;
  message: string;
}

export function condition(
  type: string,
  status: ConditionStatus,
  reason: Reason,
  message: string,
): ConditionDecision {
  return { type, status, reason, message };
}

/** metav1.Time: RFC 3339 in whole seconds, as Kubernetes writes it. */
export function toKubeTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * `previous` with every decision set, in place of the condition of the same type or appended; conditions
 * of other types are kept. lastTransitionTime moves only where a status changed.
 */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  decisions: readonly ConditionDecision[],
  observedGeneration: number | undefined,
  nowMs: number,
): Condition[] {
  const result = [...(previous ?? [])];
  for (const decision of decisions) {
    const index = result.findIndex((c) => c.type === decision.type);
    const before = result[index];
    const next: Condition = {
      type: decision.type,
      status: decision.status,
      ...(observedGeneration === undefined ? {} : { observedGeneration }),
      lastTransitionTime:
        before && before.status === decision.status ? before.lastTransitionTime : toKubeTime(nowMs),
      reason: decision.reason,
      message: decision.message,
    };
    if (index < 0) result.push(next);
    else result[index] = next;
  }
  return result;
}
