// Maps an event on a child to the reconcile key of what it belongs to, read from its owner label. Labels
// rather than ownerReferences: gateway children have several owners, and the key is the gateway.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { ReconcileRequest } from '../runtime/controller/reconciler.ts';
import type { HandlerFactory } from '../runtime/handlers/enqueue.ts';
import { enqueueMapped } from '../runtime/handlers/enqueue.ts';

function ownerKeyFromLabel(label: string, object: KubeObject): ReconcileRequest[] {
  const owner = object.metadata.labels?.[label];
  const namespace = object.metadata.namespace;
  return owner && namespace ? [{ namespace, name: owner }] : [];
}

export function enqueueOwnerFromLabel<T extends KubeObject>(label: string): HandlerFactory<T> {
  return enqueueMapped<T>((object) => ownerKeyFromLabel(label, object));
}
