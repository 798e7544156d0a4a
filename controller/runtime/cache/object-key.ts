// The key a cached object (and a reconcile request) is known by: "namespace/name", or "name" for
// cluster-scoped objects, as client-go's MetaNamespaceKeyFunc spells it.
import type { KubeObject } from '../../../shared/api/meta.ts';
import type { ObjectRef } from '../../../shared/kube/resource.ts';

export function objectKey(ref: ObjectRef): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

export function keyOfObject(object: KubeObject): string {
  return objectKey({
    name: object.metadata.name ?? '',
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
  });
}

export function refOfKey(key: string): ObjectRef {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
