// Event handlers that turn cache events into reconcile requests: for the object itself, for the owner
// named in its ownerReferences, or for whatever a mapping function says (e.g. "every route that points
// at gateway X"). Updates enqueue for both the old and the new state, so a change of owner or of a
// mapped field reaches both sides.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { parseAPIVersion } from '../../../shared/kube/resource.ts';
import type { EventHandler } from '../cache/informer.ts';
import type { ReconcileRequest } from '../controller/reconciler.ts';

type Enqueue = (request: ReconcileRequest) => void;

/** Builds a handler once the controller supplies where requests go. */
export type HandlerFactory<T extends KubeObject> = (enqueue: Enqueue) => EventHandler<T>;

/** Decides whether an update is worth a reconcile; adds and deletes always are. */
export type UpdatePredicate<T extends KubeObject> = (previous: T, current: T) => boolean;

function mapping<T extends KubeObject>(
  map: (object: T) => ReconcileRequest[],
  predicate?: UpdatePredicate<T>,
): HandlerFactory<T> {
  return (enqueue) => ({
    onAdd: (object) => map(object).forEach(enqueue),
    onUpdate: (previous, current) => {
      if (predicate && !predicate(previous, current)) return;
      map(previous).forEach(enqueue);
      map(current).forEach(enqueue);
    },
    onDelete: (object) => map(object).forEach(enqueue),
  });
}

function requestFor(object: KubeObject): ReconcileRequest {
  const { namespace, name = '' } = object.metadata;
  return namespace ? { namespace, name } : { name };
}

/** Reconciles the object that changed. */
export function enqueueForObject<T extends KubeObject>(predicate?: UpdatePredicate<T>): HandlerFactory<T> {
  return mapping((object) => [requestFor(object)], predicate);
}

export interface OwnerKind {
  group: string;
  kind: string;
}

/** Reconciles the controlling owner of the object that changed, when it is of `owner`'s kind. */
export function enqueueForOwner<T extends KubeObject>(owner: OwnerKind): HandlerFactory<T> {
  return mapping((object) =>
    (object.metadata.ownerReferences ?? [])
      .filter(
        (ref) =>
          ref.controller === true &&
          ref.kind === owner.kind &&
          parseAPIVersion(ref.apiVersion).group === owner.group,
      )
      .map((ref) =>
        object.metadata.namespace
          ? { namespace: object.metadata.namespace, name: ref.name }
          : { name: ref.name },
      ),
  );
}

/** Reconciles whatever `map` names for the object that changed. */
export function enqueueMapped<T extends KubeObject>(
  map: (object: T) => ReconcileRequest[],
  predicate?: UpdatePredicate<T>,
): HandlerFactory<T> {
  return mapping(map, predicate);
}

/** Skips updates that only touched status: generation moves only when spec does. */
export function generationChanged<T extends KubeObject>(previous: T, current: T): boolean {
  return previous.metadata.generation !== current.metadata.generation;
}
