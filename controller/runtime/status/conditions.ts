// metav1.Condition bookkeeping: lastTransitionTime moves only when a condition's status changes, and is
// written with the second precision the API server stores, so re-setting the same condition leaves the
// status byte-for-byte unchanged and costs no write.
import type { Condition } from '../../../shared/api/meta.ts';

export type ConditionUpdate = Omit<Condition, 'lastTransitionTime'>;

/** metav1.Time: RFC 3339, whole seconds. */
export function toKubeTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** A new list with `update` set, keeping the order of the others. */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  update: ConditionUpdate,
  nowMs: number,
): Condition[] {
  const existing = findCondition(conditions, update.type);
  const lastTransitionTime =
    existing && existing.status === update.status ? existing.lastTransitionTime : toKubeTime(nowMs);
  const next: Condition = { ...update, lastTransitionTime };
  if (!existing) return [...(conditions ?? []), next];
  return (conditions ?? []).map((c) => (c.type === update.type ? next : c));
}
