// Where an object sits and the key it is known by: "namespace/name", or "name" for cluster-scoped
// objects, as client-go's MetaNamespaceKeyFunc spells it (caches, reconcile requests, indexes), and the
// namespace of a namespaced object read once, with the API server's default.
import type { KubeObject } from './meta-v1-types.ts';
import type { ObjectRef } from './resource.ts';

/** The API server puts a namespaced object that names no namespace in this one. */
export const DEFAULT_NAMESPACE = 'default';

/** The namespace of a namespaced object, defaulted as the API server defaults it. */
export function namespaceOf(object: Pick<KubeObject, 'metadata'>): string {
  return object.metadata.namespace ?? DEFAULT_NAMESPACE;
}

/** Where an object sits, read from its own metadata. */
export function refOf(object: KubeObject): ObjectRef {
  const { name, namespace } = object.metadata;
  return namespace ? { namespace, name: name ?? '' } : { name: name ?? '' };
}

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
