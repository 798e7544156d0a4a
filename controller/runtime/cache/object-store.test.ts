import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { NAMESPACE_INDEX, ObjectStore, OWNER_UID_INDEX, UnknownIndexError } from './object-store.ts';

function object(
  namespace: string,
  name: string,
  rv: string,
  owners: string[] = [],
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      namespace,
      name,
      resourceVersion: rv,
      labels,
      ownerReferences: owners.map((uid) => ({ apiVersion: 'v1', kind: 'X', name: uid, uid })),
    },
  };
}

const names = (objects: KubeObject[]) => objects.map((o) => o.metadata.name).sort();

describe('ObjectStore', () => {
  it('finds objects by key, namespace and owner UID', () => {
    const store = new ObjectStore();
    store.upsert(object('a', 'one', '1', ['owner-1']));
    store.upsert(object('a', 'two', '1', ['owner-1', 'owner-2']));
    store.upsert(object('b', 'three', '1'));
    expect(store.get({ namespace: 'a', name: 'one' })?.metadata.name).toBe('one');
    expect(names(store.byIndex(NAMESPACE_INDEX, 'a'))).toEqual(['one', 'two']);
    expect(names(store.byIndex(OWNER_UID_INDEX, 'owner-1'))).toEqual(['one', 'two']);
    expect(names(store.byIndex(OWNER_UID_INDEX, 'owner-2'))).toEqual(['two']);
  });

  it('moves an object between index values when it changes, and drops it on remove', () => {
    const store = new ObjectStore();
    store.upsert(object('a', 'one', '1', ['owner-1']));
    const previous = store.upsert(object('a', 'one', '2', ['owner-2']));
    expect(previous?.metadata.resourceVersion).toBe('1');
    expect(store.byIndex(OWNER_UID_INDEX, 'owner-1')).toEqual([]);
    expect(names(store.byIndex(OWNER_UID_INDEX, 'owner-2'))).toEqual(['one']);
    store.remove('a/one');
    expect(store.byIndex(OWNER_UID_INDEX, 'owner-2')).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('builds a custom index over objects already stored', () => {
    const store = new ObjectStore();
    store.upsert(object('a', 'one', '1', [], { gateway: 'gw-1' }));
    store.addIndex('gateway', (o) => (o.metadata.labels?.gateway ? [o.metadata.labels.gateway] : []));
    store.upsert(object('a', 'two', '1', [], { gateway: 'gw-1' }));
    expect(names(store.byIndex('gateway', 'gw-1'))).toEqual(['one', 'two']);
    expect(() => store.byIndex('nope', 'x')).toThrow(UnknownIndexError);
  });

  it('replaces the whole content and reports adds, updates and deletes', () => {
    const store = new ObjectStore();
    store.upsert(object('a', 'kept', '1'));
    store.upsert(object('a', 'changed', '1'));
    store.upsert(object('a', 'gone', '1'));
    const result = store.replaceAll([
      object('a', 'kept', '1'),
      object('a', 'changed', '2'),
      object('a', 'new', '1'),
    ]);
    expect(names(result.added)).toEqual(['new']);
    expect(
      result.updated.map((u) => [u.previous.metadata.resourceVersion, u.current.metadata.resourceVersion]),
    ).toEqual([['1', '2']]);
    expect(names(result.deleted)).toEqual(['gone']);
    expect(names(store.list())).toEqual(['changed', 'kept', 'new']);
  });

  it('freezes stored objects so a reconciler cannot edit the shared cache in place', () => {
    const store = new ObjectStore();
    store.upsert(object('a', 'one', '1'));
    const cached = store.get({ namespace: 'a', name: 'one' });
    expect(() => {
      (cached as KubeObject).metadata.name = 'edited';
    }).toThrow(TypeError);
  });
});
