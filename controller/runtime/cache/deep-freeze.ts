// Cached objects are shared by every reconciler; freezing them turns an accidental in-place edit into an
// immediate TypeError instead of a silently corrupted cache. Copy (structuredClone) before editing.
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
