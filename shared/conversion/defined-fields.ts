// The field mappings build objects field by field, some of them undefined; this drops those. It is
// compact() from util/json.ts, without the arrays of entries it makes: it runs several times for every
// object of a ConversionReview.
import type { JSONObject } from '../util/json.ts';

/** A copy of `value` without the keys whose value is undefined, in the same order. */
export function definedFields<T extends JSONObject>(value: T): T {
  const result: JSONObject = {};
  for (const key of Object.keys(value)) {
    const field = value[key];
    if (field === undefined) continue;
    // Assigning `__proto__` would set the prototype instead of adding the key.
    if (key === '__proto__') {
      Object.defineProperty(result, key, {
        value: field,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      result[key] = field;
    }
  }
  return result as T;
}
