// The API surface the controller runtime needs, small enough to fake in tests. The HTTP implementation
// lives in http/; an in-memory one for tests in testing/.
import type { KubeObject } from './meta-v1-types.ts';
import type { KubeStatus } from './api-error.ts';
import type { ObjectRef, ResourceDescriptor } from './resource.ts';

export interface SelectorOptions {
  /** Omit to list or watch across all namespaces (namespaced resources only). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListOptions extends SelectorOptions {
  /** Page size; the server may return fewer. */
  limit?: number;
  continueToken?: string;
  /** '' (or omitted) asks for a consistent read; an opaque value from an earlier list otherwise. */
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  signal?: AbortSignal;
}

export interface ObjectList<T extends KubeObject = KubeObject> {
  items: T[];
  /** Opaque: pass it back to watch from this point; never compare two of them. */
  resourceVersion: string;
  /** Set while more pages remain. */
  continueToken?: string;
}

export interface WatchOptions extends SelectorOptions {
  resourceVersion: string;
  /** The server ends the stream cleanly after this many seconds. */
  timeoutSeconds: number;
  allowWatchBookmarks: boolean;
  /** Aborting ends the stream; the iterator then throws the abort reason. */
  signal: AbortSignal;
  /** Called once the server has accepted the watch (HTTP 200), before any event arrives. */
  onConnected?: () => void;
}

export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  /** Carries only metadata.resourceVersion: progress with nothing changed. */
  | { type: 'BOOKMARK'; object: T }
  | { type: 'ERROR'; status: KubeStatus };

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface WriteOptions extends RequestOptions {
  subresource?: 'status';
  fieldManager?: string;
  dryRun?: boolean;
}

export interface ApplyOptions extends WriteOptions {
  fieldManager: string;
  /** Take ownership of fields other managers set; controllers always want this. */
  force: boolean;
}

export type PatchType = 'merge' | 'json';

export interface DeleteOptions extends RequestOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface KubeAPI {
  list<T extends KubeObject>(resource: ResourceDescriptor, opts?: ListOptions): Promise<ObjectList<T>>;
  /** Opens a watch stream; connection failures and non-200 answers are thrown by the first `next()`. */
  watch<T extends KubeObject>(resource: ResourceDescriptor, opts: WatchOptions): AsyncIterable<WatchEvent<T>>;
  get<T extends KubeObject>(resource: ResourceDescriptor, ref: ObjectRef, opts?: RequestOptions): Promise<T>;
  create<T extends KubeObject>(resource: ResourceDescriptor, object: T, opts?: WriteOptions): Promise<T>;
  /** PUT: fails with 409 Conflict when `object.metadata.resourceVersion` is stale. */
  replace<T extends KubeObject>(resource: ResourceDescriptor, object: T, opts?: WriteOptions): Promise<T>;
  patch<T extends KubeObject>(
    resource: ResourceDescriptor,
    ref: ObjectRef,
    type: PatchType,
    patch: unknown,
    opts?: WriteOptions,
  ): Promise<T>;
  /** Server-side apply of a partial object that names the fields this manager owns. */
  apply<T extends KubeObject>(
    resource: ResourceDescriptor,
    object: KubeObject,
    opts: ApplyOptions,
  ): Promise<T>;
  delete(resource: ResourceDescriptor, ref: ObjectRef, opts?: DeleteOptions): Promise<void>;
}
