// The in-memory copy of one watched collection: objects by key, plus indexes (namespace, owner UID and
// any custom ones) so lookups on hot paths never scan the whole collection.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import type { ObjectRef } from '../../../shared/kube/resource.ts';
import { deepFreeze } from './deep-freeze.ts';
import { keyOfObject, objectKey } from '../../../shared/kube/object-key.ts';

/** The values an object is indexed under; an object may sit under several or none. */
export type IndexFunc<T extends KubeObject> = (object: T) => readonly string[];

export const NAMESPACE_INDEX = 'namespace';
export const OWNER_UID_INDEX = 'owner-uid';

export class UnknownIndexError extends Error {
  readonly index: string;
  readonly known: string[];
  constructor(index: string, known: string[]) {
    super(`no index named "${index}"; known indexes: ${known.join(', ')}`);
    this.name = 'UnknownIndexError';
    this.index = index;
    this.known = known;
  }
}

export interface ReplaceResult<T> {
  added: T[];
  updated: { previous: T; current: T }[];
  deleted: T[];
}

const namespaceIndex: IndexFunc<KubeObject> = (o) => (o.metadata.namespace ? [o.metadata.namespace] : []);
const ownerUIDIndex: IndexFunc<KubeObject> = (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid);

export class ObjectStore<T extends KubeObject = KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndex(NAMESPACE_INDEX, namespaceIndex);
    this.addIndex(OWNER_UID_INDEX, ownerUIDIndex);
  }

  get size(): number {
    return this.objects.size;
  }

  /** Adds an index; objects already stored are indexed at once. */
  addIndex(name: string, indexFunc: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`index "${name}" is already defined`);
    this.indexers.set(name, indexFunc);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, object] of this.objects) this.indexInto(index, indexFunc(object), key);
  }

  get(ref: ObjectRef): T | undefined {
    return this.objects.get(objectKey(ref));
  }

  getByKey(key: string): T | undefined {
    return this.objects.get(key);
  }

  /** Every object; O(n), meant for relists and diagnostics rather than per-reconcile lookups. */
  list(): T[] {
    return [...this.objects.values()];
  }

  keys(): IterableIterator<string> {
    return this.objects.keys();
  }

  /** Objects filed under `value` in index `name`. */
  byIndex(name: string, value: string): T[] {
    const index = this.indices.get(name);
    if (!index) throw new UnknownIndexError(name, [...this.indexers.keys()]);
    const keys = index.get(value);
    if (!keys) return [];
    const result: T[] = [];
    for (const key of keys) {
      const object = this.objects.get(key);
      if (object) result.push(object);
    }
    return result;
  }

  /** Stores (frozen) and returns the object it replaced, if any. */
  upsert(object: T): T | undefined {
    const key = keyOfObject(object);
    const previous = this.objects.get(key);
    if (previous) this.unindex(previous, key);
    this.objects.set(key, deepFreeze(object));
    this.index(object, key);
    return previous;
  }

  /** Removes and returns the stored object, if any. */
  remove(key: string): T | undefined {
    const previous = this.objects.get(key);
    if (!previous) return undefined;
    this.unindex(previous, key);
    this.objects.delete(key);
    return previous;
  }

  /** Makes the store hold exactly `objects` and reports what that changed (by resourceVersion). */
  replaceAll(objects: readonly T[]): ReplaceResult<T> {
    const result: ReplaceResult<T> = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const object of objects) {
      const key = keyOfObject(object);
      seen.add(key);
      const previous = this.objects.get(key);
      if (previous && previous.metadata.resourceVersion === object.metadata.resourceVersion) continue;
      this.upsert(object);
      if (previous) result.updated.push({ previous, current: object });
      else result.added.push(object);
    }
    for (const key of [...this.objects.keys()]) {
      if (seen.has(key)) continue;
      const removed = this.remove(key);
      if (removed) result.deleted.push(removed);
    }
    return result;
  }

  private index(object: T, key: string): void {
    for (const [name, indexFunc] of this.indexers) {
      const index = this.indices.get(name);
      if (index) this.indexInto(index, indexFunc(object), key);
    }
  }

  private indexInto(index: Map<string, Set<string>>, values: readonly string[], key: string): void {
    for (const value of values) {
      let keys = index.get(value);
      if (!keys) {
        keys = new Set();
        index.set(value, keys);
      }
      keys.add(key);
    }
  }

  private unindex(object: T, key: string): void {
    for (const [name, indexFunc] of this.indexers) {
      const index = this.indices.get(name);
      if (!index) continue;
      for (const value of indexFunc(object)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
