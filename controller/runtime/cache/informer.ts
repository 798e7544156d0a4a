// One watched collection, cached and shared: a Reflector keeps an ObjectStore current and every change
// is fanned out to the registered event handlers (add/update/delete), including the deletes and updates
// a relist discovers after the watch fell behind.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import type { KubeAPI, SelectorOptions } from '../../../shared/kube/kube-api.ts';
import { describeResource } from '../../../shared/kube/resource.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import type { Logger } from '../../../shared/logging/logger.ts';
import type { Clock } from '../../../shared/time/clock.ts';
import { errorMessage } from '../../../shared/util/error-message.ts';
import { Reflector } from '../watch/reflector.ts';
import type { ReflectorHealth, ReflectorOptions, ReflectorSink } from '../watch/reflector.ts';
import { keyOfObject } from '../../../shared/kube/object-key.ts';
import { ObjectStore } from './object-store.ts';
import { trimForCache } from './trim-for-cache.ts';
import type { IndexFunc } from './object-store.ts';

export interface EventHandler<T extends KubeObject> {
  onAdd?(object: T): void;
  onUpdate?(previous: T, current: T): void;
  onDelete?(object: T): void;
}

export type ReflectorTuning = Pick<
  ReflectorOptions<KubeObject>,
  | 'pageSize'
  | 'minWatchTimeoutSeconds'
  | 'inactivityTimeoutMs'
  | 'unhealthyAfterMs'
  | 'backoff'
  | 'refusedRetryMs'
  | 'random'
>;

export interface InformerOptions<T extends KubeObject> {
  api: KubeAPI;
  resource: ResourceDescriptor;
  selector?: SelectorOptions;
  clock: Clock;
  logger: Logger;
  /** Applied to every object before it is cached; by default trimForCache. */
  transform?: (object: T) => T;
  tuning?: ReflectorTuning;
  /** Set for a resource that may not be served (a CRD not installed): see ReflectorOptions. */
  absentRetryMs?: number;
}

export class Informer<T extends KubeObject = KubeObject> {
  readonly resource: ResourceDescriptor;
  readonly selector: SelectorOptions;
  readonly store = new ObjectStore<T>();
  private readonly handlers: EventHandler<T>[] = [];
  private readonly reflector: Reflector<T>;
  private readonly transform: (object: T) => T;
  private readonly logger: Logger;
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private running: Promise<void> | undefined;

  constructor(opts: InformerOptions<T>) {
    this.resource = opts.resource;
    this.selector = opts.selector ?? {};
    this.transform = opts.transform ?? trimForCache;
    this.logger = opts.logger.child({ resource: describeResource(opts.resource) });
    const sink: ReflectorSink<T> = {
      replace: (objects) => this.replace(objects),
      upsert: (object) => this.upsert(object),
      remove: (object) => this.remove(object),
    };
    this.reflector = new Reflector<T>({
      ...opts.tuning,
      api: opts.api,
      resource: opts.resource,
      selector: this.selector,
      sink,
      clock: opts.clock,
      logger: opts.logger,
      ...(opts.absentRetryMs === undefined ? {} : { absentRetryMs: opts.absentRetryMs }),
    });
  }

  /** Registers a handler; if the cache is already filled, it first gets an add for every object. */
  addEventHandler(handler: EventHandler<T>): void {
    this.handlers.push(handler);
    if (this.synced) for (const object of this.store.list()) this.dispatch(handler, 'add', object);
  }

  addIndex(name: string, indexFunc: IndexFunc<T>): void {
    this.store.addIndex(name, indexFunc);
  }

  /** Starts listing and watching until `signal` aborts; a second call is a no-op. */
  start(signal: AbortSignal): Promise<void> {
    this.running ??= this.reflector.run(signal);
    return this.running;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  health(): ReflectorHealth {
    return this.reflector.health();
  }

  /** Resolves true once synced, or false if `signal` aborts first. */
  waitForSync(signal: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      });
    });
  }

  private replace(objects: T[]): void {
    const result = this.store.replaceAll(objects.map(this.transform));
    for (const object of result.added) this.emit('add', object);
    for (const { previous, current } of result.updated) this.emit('update', current, previous);
    for (const object of result.deleted) this.emit('delete', object);
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  private upsert(object: T): void {
    const current = this.transform(object);
    const previous = this.store.upsert(current);
    if (!previous) this.emit('add', current);
    else if (previous.metadata.resourceVersion !== current.metadata.resourceVersion) {
      this.emit('update', current, previous);
    }
  }

  private remove(object: T): void {
    const previous = this.store.remove(keyOfObject(object));
    this.emit('delete', previous ?? this.transform(object));
  }

  private emit(kind: 'add' | 'update' | 'delete', object: T, previous?: T): void {
    for (const handler of this.handlers) this.dispatch(handler, kind, object, previous);
  }

  private dispatch(
    handler: EventHandler<T>,
    kind: 'add' | 'update' | 'delete',
    object: T,
    previous?: T,
  ): void {
    try {
      if (kind === 'add') handler.onAdd?.(object);
      else if (kind === 'update' && previous) handler.onUpdate?.(previous, object);
      else if (kind === 'delete') handler.onDelete?.(object);
    } catch (err) {
      // A faulty handler must not stop the cache from following the API server.
      this.logger.error('event handler failed', {
        event: kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        error: errorMessage(err),
      });
    }
  }
}
