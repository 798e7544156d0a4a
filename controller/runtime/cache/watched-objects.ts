// One resource read across several namespaces: a shared informer per namespace (or one for the whole
// cluster), read as a single cache. Lookups by name go to the namespace's informer; index lookups
// ask them all.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import type { ObjectRef, ResourceDescriptor } from '../../../shared/kube/resource.ts';
import type { Informer } from './informer.ts';
import type { InformerCache } from './informer-cache.ts';
import type { IndexFunc } from './object-store.ts';
import type { Controller } from '../controller/controller.ts';
import type { HandlerFactory } from '../handlers/enqueue.ts';

export interface WatchedObjectsOptions {
  labelSelector?: string;
  /** Set for a resource that may not be served (a CRD not installed): see ReflectorOptions. */
  absentRetryMs?: number;
}

export class WatchedObjects<T extends KubeObject> {
  readonly informers: readonly Informer<T>[];
  private readonly byNamespace: ReadonlyMap<string, Informer<T>>;

  /** `namespaces` empty: the whole cluster. */
  constructor(
    cache: InformerCache,
    resource: ResourceDescriptor,
    namespaces: readonly string[],
    options: WatchedObjectsOptions = {},
  ) {
    const { labelSelector, absentRetryMs } = options;
    const request = (namespace?: string) => ({
      selector: {
        ...(namespace ? { namespace } : {}),
        ...(labelSelector ? { labelSelector } : {}),
      },
      ...(absentRetryMs === undefined ? {} : { absentRetryMs }),
    });
    const informers =
      namespaces.length === 0
        ? [cache.informer<T>(resource, request())]
        : namespaces.map((ns) => cache.informer<T>(resource, request(ns)));
    this.informers = informers;
    this.byNamespace = new Map(namespaces.map((ns, i) => [ns, informers[i] as Informer<T>]));
  }

  get(ref: ObjectRef): T | undefined {
    const informer =
      this.byNamespace.size === 0 ? this.informers[0] : this.byNamespace.get(ref.namespace ?? '');
    return informer?.store.get(ref);
  }

  byIndex(index: string, value: string): T[] {
    return this.informers.flatMap((informer) => informer.store.byIndex(index, value));
  }

  addIndex(name: string, indexFunc: IndexFunc<T>): void {
    for (const informer of this.informers) informer.addIndex(name, indexFunc);
  }

  /** Feeds every informer's events, mapped by `handler`, into `controller`. */
  feed(controller: Controller, handler: HandlerFactory<T>): void {
    for (const informer of this.informers) controller.watch(informer, handler);
  }
}
