// RFC 6902 JSON Patch between two JSON documents, as a mutating webhook answers it: the smallest set of
// add/replace/remove operations this simple structural diff can find, with RFC 6901 pointer escaping.
import { isPlainObject } from '../../shared/util/json.ts';

export type JSONPatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** RFC 6901: `~` becomes `~0` and `/` becomes `~1` (in that order, so `~1` in a key stays literal). */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function sameJSON(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJSON(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJSON(a[k], b[k]))
    );
  }
  return false;
}

function diffInto(ops: JSONPatchOperation[], path: string, from: unknown, to: unknown): void {
  if (sameJSON(from, to)) return;
  if (isPlainObject(from) && isPlainObject(to)) {
    for (const key of Object.keys(from)) {
      if (!Object.hasOwn(to, key)) ops.push({ op: 'remove', path: `${path}/${escapePointerToken(key)}` });
    }
    for (const key of Object.keys(to)) {
      const child = `${path}/${escapePointerToken(key)}`;
      if (Object.hasOwn(from, key)) diffInto(ops, child, from[key], to[key]);
      else ops.push({ op: 'add', path: child, value: to[key] });
    }
    return;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const common = Math.min(from.length, to.length);
    for (let i = 0; i < common; i++) diffInto(ops, `${path}/${i}`, from[i], to[i]);
    // Removing from the end keeps the indexes of the elements still to remove valid.
    for (let i = from.length - 1; i >= common; i--) ops.push({ op: 'remove', path: `${path}/${i}` });
    for (let i = common; i < to.length; i++) ops.push({ op: 'add', path: `${path}/${i}`, value: to[i] });
    return;
  }
  ops.push({ op: 'replace', path, value: to });
}

/** Operations that turn `from` into `to`; empty when they are equal. Both must be plain JSON values. */
export function diffJSON(from: unknown, to: unknown): JSONPatchOperation[] {
  const ops: JSONPatchOperation[] = [];
  diffInto(ops, '', from, to);
  return ops;
}
