// Owner references that tie children to the custom resources they serve, so that the garbage collector
// removes them with their owners.
import type { KubeObject, OwnerReference } from '../../shared/kube/meta-v1-types.ts';

export class MissingUIDError extends Error {
  readonly kind: string;
  readonly objectName: string;
  constructor(kind: string, objectName: string) {
    super(`${kind} "${objectName}" has no metadata.uid; only stored objects can own others`);
    this.name = 'MissingUIDError';
    this.kind = kind;
    this.objectName = objectName;
  }
}

function referenceTo(owner: KubeObject): Omit<OwnerReference, 'controller' | 'blockOwnerDeletion'> {
  const { uid, name = '' } = owner.metadata;
  if (!uid) throw new MissingUIDError(owner.kind, name);
  return { apiVersion: owner.apiVersion, kind: owner.kind, name, uid };
}

/** The single managing owner: the object's lifecycle follows this one. */
export function controllerReference(owner: KubeObject): OwnerReference {
  return { ...referenceTo(owner), controller: true, blockOwnerDeletion: true };
}

/**
 * One of several owners: the child lives while any owner does. Not blocking deletion, so deleting a
 * route in the foreground never waits on a gateway other routes still use.
 */
export function sharedOwnerReference(owner: KubeObject): OwnerReference {
  return { ...referenceTo(owner), controller: false, blockOwnerDeletion: false };
}
