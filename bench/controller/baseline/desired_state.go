// Deciding from the cache alone whether a server-side apply would change anything, as the TypeScript
// controller does (controller/runtime/apply/desired-state.ts): the desired object carries a hash of
// itself in an annotation, and it is applied unless every field it sets already has that value.
package main

import "maps"

// withDesiredStateHash returns a copy of desired whose annotations carry the hash of its own content.
func withDesiredStateHash(desired object) (object, error) {
	metadata := maps.Clone(desired["metadata"].(object))
	annotations, _ := metadata["annotations"].(object)
	annotations = maps.Clone(annotations)
	if annotations == nil {
		annotations = object{}
	}
	delete(annotations, appliedHashAnnotation)
	metadata["annotations"] = annotations
	base := maps.Clone(desired)
	base["metadata"] = metadata
	hash, err := shortHash(base)
	if err != nil {
		return nil, err
	}
	stampedAnnotations := maps.Clone(annotations)
	stampedAnnotations[appliedHashAnnotation] = hash
	stampedMetadata := maps.Clone(metadata)
	stampedMetadata["annotations"] = stampedAnnotations
	stamped := maps.Clone(base)
	stamped["metadata"] = stampedMetadata
	return stamped, nil
}

// isSubsetOf: every field set in desired has the same value in actual; nil means absent. Lists of
// objects are keyed lists other managers may add to, so ours need only appear in order among them;
// lists of scalars are atomic.
func isSubsetOf(desired, actual any) bool {
	switch d := desired.(type) {
	case nil:
		return actual == nil
	case []any:
		a, ok := actual.([]any)
		if !ok {
			return false
		}
		if len(d) > 0 && allObjects(d) {
			return isOrderedSubsequence(d, a)
		}
		if len(a) != len(d) {
			return false
		}
		for i := range d {
			if !isSubsetOf(d[i], a[i]) {
				return false
			}
		}
		return true
	case object:
		a, ok := actual.(object)
		if !ok {
			return false
		}
		for key, value := range d {
			if !isSubsetOf(value, a[key]) {
				return false
			}
		}
		return true
	default:
		return sameScalar(desired, actual)
	}
}

func allObjects(list []any) bool {
	for _, entry := range list {
		if _, ok := entry.(object); !ok {
			return false
		}
	}
	return true
}

func isOrderedSubsequence(desired, actual []any) bool {
	next := 0
	for _, entry := range desired {
		for next < len(actual) && !isSubsetOf(entry, actual[next]) {
			next++
		}
		if next == len(actual) {
			return false
		}
		next++
	}
	return true
}

// sameScalar compares numbers by value: unstructured JSON holds int64 or float64.
func sameScalar(a, b any) bool {
	x, xNumber := number(a)
	y, yNumber := number(b)
	if xNumber || yNumber {
		return xNumber && yNumber && x == y
	}
	return a == b
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// jsonEqual is structural equality of JSON values, as shared/util/json.ts deepEqual.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case object:
		y, ok := b.(object)
		if !ok || len(x) != len(y) {
			return false
		}
		for key, value := range x {
			other, present := y[key]
			if !present || !jsonEqual(value, other) {
				return false
			}
		}
		return true
	default:
		return sameScalar(a, b)
	}
}
