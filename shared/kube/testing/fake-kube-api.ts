// An in-memory API server behind the KubeAPI interface, for unit tests of everything built on it. It
// keeps resourceVersions and a per-resource event history so watches resume, answers 410 after
// compaction, filters by namespace and label selector, and lets a test script failures: errors on the
// next call of a verb, watch streams that drop, hang or carry ERROR events.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../meta-v1-types.ts';
import { APIError } from '../api-error.ts';
import type { KubeStatus } from '../api-error.ts';
import type {
  ApplyOptions,
  DeleteOptions,
  KubeAPI,
  ListOptions,
  ObjectList,
  PatchType,
  RequestOptions,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from '../kube-api.ts';
import { refOf } from '../object-key.ts';
import { apiVersionOf, collectionPath, describeResource, objectPath } from '../resource.ts';
import type { ObjectRef, ResourceDescriptor } from '../resource.ts';
import { isPlainObject } from '../../util/json.ts';
import { labelSelectorMatcher } from './label-selector.ts';

export type FakeVerb = 'list' | 'watch' | 'get' | 'create' | 'replace' | 'patch' | 'apply' | 'delete';

export interface FakeCall {
  verb: FakeVerb;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface HistoryEntry {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  previous: KubeObject | undefined;
}

interface ResourceState {
  descriptor: ResourceDescriptor;
  objects: Map<string, KubeObject>;
  history: HistoryEntry[];
  /** Watches from a resourceVersion before this one answer 410. */
  compactedBefore: number;
}

interface Watcher {
  resource: string;
  matches: (object: KubeObject) => boolean;
  push: (event: WatchEvent | Error | 'end') => void;
}

const WRITE_VERBS: ReadonlySet<FakeVerb> = new Set(['create', 'replace', 'patch', 'apply', 'delete']);

function clone<T>(value: T): T {
  return structuredClone(value);
}

function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function status(code: number, reason: string, message: string): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

export class FakeKubeAPI implements KubeAPI {
  /** Every call, in order, so tests can count writes. */
  readonly calls: FakeCall[] = [];
  private rv = 100;
  private readonly resources = new Map<string, ResourceState>();
  private readonly watchers = new Set<Watcher>();
  private readonly failures = new Map<FakeVerb, Error[]>();
  private readonly continueSnapshots = new Map<string, KubeObject[]>();

  /** The newest resourceVersion handed out. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** How many calls changed (or tried to change) state. */
  writeCount(resource?: ResourceDescriptor): number {
    const name = resource ? describeResource(resource) : undefined;
    return this.calls.filter((c) => WRITE_VERBS.has(c.verb) && (!name || c.resource === name)).length;
  }

  /** Makes the next call of `verb` fail with `error` (queued: one error per call). */
  failNext(verb: FakeVerb, error: Error): void {
    const queue = this.failures.get(verb) ?? [];
    queue.push(error);
    this.failures.set(verb, queue);
  }

  /** An APIError as the HTTP client would raise it. */
  static apiError(verb: string, code: number, reason: string, message = reason): APIError {
    return new APIError(verb, '/fake', code, status(code, reason, message));
  }

  /** Seeds objects without going through a write call (not counted in `calls`). */
  seed(resource: ResourceDescriptor, ...objects: KubeObject[]): void {
    for (const object of objects)
      this.store(resource, 'ADDED', this.stamp(resource, clone(object), undefined));
  }

  /** The stored object, or undefined. */
  peek<T extends KubeObject>(resource: ResourceDescriptor, ref: ObjectRef): T | undefined {
    const state = this.state(resource);
    const object = state.objects.get(keyOf(resource.namespaced ? ref.namespace : undefined, ref.name));
    return object ? clone(object as T) : undefined;
  }

  /** Forgets history so that watches from older resourceVersions get 410 Gone. */
  compact(): void {
    for (const state of this.resources.values()) {
      state.history = [];
      state.compactedBefore = this.rv + 1;
    }
    this.continueSnapshots.clear();
  }

  /** Sends a BOOKMARK at the current resourceVersion to every open watch. */
  sendBookmark(): void {
    for (const w of this.watchers) {
      const state = this.resources.get(w.resource);
      const kind = state?.descriptor.kind ?? '';
      const apiVersion = state ? apiVersionOf(state.descriptor) : '';
      w.push({
        type: 'BOOKMARK',
        object: { apiVersion, kind, metadata: { resourceVersion: this.resourceVersion } },
      });
    }
  }

  /** Sends an ERROR event (e.g. code 410) to every open watch. */
  sendWatchError(code: number, reason: string, message = reason): void {
    for (const w of this.watchers) w.push({ type: 'ERROR', status: status(code, reason, message) });
  }

  /** Ends every open watch stream cleanly, as the server does when timeoutSeconds runs out. */
  closeWatches(): void {
    for (const w of this.watchers) w.push('end');
  }

  /** Breaks every open watch stream with `error`, as a dropped connection does. */
  breakWatches(error: Error): void {
    for (const w of this.watchers) w.push(error);
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  async list<T extends KubeObject>(
    resource: ResourceDescriptor,
    opts: ListOptions = {},
  ): Promise<ObjectList<T>> {
    this.record('list', resource, opts.namespace ? { namespace: opts.namespace, name: '' } : undefined);
    const state = this.state(resource);
    let snapshot: KubeObject[];
    if (opts.continueToken) {
      const saved = this.continueSnapshots.get(opts.continueToken);
      if (!saved) {
        throw new APIError(
          'GET',
          collectionPath(resource),
          410,
          status(410, 'Expired', 'continue token expired'),
        );
      }
      snapshot = saved;
      this.continueSnapshots.delete(opts.continueToken);
    } else {
      const matches = this.matcher(resource, opts);
      snapshot = [...state.objects.values()]
        .filter(matches)
        .sort((a, b) => this.sortKey(a).localeCompare(this.sortKey(b)));
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : snapshot.length;
    const page = snapshot.slice(0, limit);
    const rest = snapshot.slice(limit);
    let continueToken: string | undefined;
    if (rest.length > 0) {
      continueToken = randomUUID();
      this.continueSnapshots.set(continueToken, rest);
    }
    return {
      items: clone(page) as T[],
      resourceVersion: this.resourceVersion,
      ...(continueToken ? { continueToken } : {}),
    };
  }

  watch<T extends KubeObject>(
    resource: ResourceDescriptor,
    opts: WatchOptions,
  ): AsyncIterable<WatchEvent<T>> {
    return this.openWatch(resource, opts) as AsyncGenerator<WatchEvent<T>>;
  }

  async get<T extends KubeObject>(
    resource: ResourceDescriptor,
    ref: ObjectRef,
    _opts?: RequestOptions,
  ): Promise<T> {
    this.record('get', resource, ref);
    return clone(this.existing(resource, ref, 'GET') as T);
  }

  async create<T extends KubeObject>(
    resource: ResourceDescriptor,
    object: T,
    _opts?: WriteOptions,
  ): Promise<T> {
    this.record('create', resource, refOf(object));
    const state = this.state(resource);
    const ref = refOf(object);
    if (state.objects.has(this.key(resource, ref))) {
      throw new APIError(
        'POST',
        collectionPath(resource, ref.namespace),
        409,
        status(409, 'AlreadyExists', `${ref.name} already exists`),
      );
    }
    const created = this.stamp(resource, clone(object), undefined);
    this.store(resource, 'ADDED', created);
    return clone(created as T);
  }

  async replace<T extends KubeObject>(
    resource: ResourceDescriptor,
    object: T,
    opts?: WriteOptions,
  ): Promise<T> {
    const ref = refOf(object);
    this.record('replace', resource, ref, opts?.subresource);
    const current = this.existing(resource, ref, 'PUT');
    const expected = object.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion) {
      throw new APIError(
        'PUT',
        objectPath(resource, ref),
        409,
        status(409, 'Conflict', 'the object has been modified'),
      );
    }
    const next: KubeObject =
      opts?.subresource === 'status'
        ? { ...clone(current), status: clone(object.status) }
        : { ...clone(object), ...(current.status === undefined ? {} : { status: clone(current.status) }) };
    return clone(this.update(resource, current, next) as T);
  }

  async patch<T extends KubeObject>(
    resource: ResourceDescriptor,
    ref: ObjectRef,
    type: PatchType,
    patch: unknown,
    opts?: WriteOptions,
  ): Promise<T> {
    this.record('patch', resource, ref, opts?.subresource);
    if (type !== 'merge') throw new Error('FakeKubeAPI supports merge patches only');
    const current = this.existing(resource, ref, 'PATCH');
    const next = mergePatch(current, patch) as KubeObject;
    return clone(this.update(resource, current, next) as T);
  }

  /** Merges the applied fields over the stored object (a stand-in for server-side apply). */
  async apply<T extends KubeObject>(
    resource: ResourceDescriptor,
    object: KubeObject,
    opts: ApplyOptions,
  ): Promise<T> {
    const ref = refOf(object);
    this.record('apply', resource, ref, opts.subresource);
    const state = this.state(resource);
    const current = state.objects.get(this.key(resource, ref));
    if (!current) {
      const created = this.stamp(resource, clone(object), undefined);
      this.store(resource, 'ADDED', created);
      return clone(created as T);
    }
    const next = mergePatch(current, object) as KubeObject;
    return clone(this.update(resource, current, next) as T);
  }

  async delete(resource: ResourceDescriptor, ref: ObjectRef, opts?: DeleteOptions): Promise<void> {
    this.record('delete', resource, ref);
    const current = this.existing(resource, ref, 'DELETE');
    const pre = opts?.preconditions;
    if (
      (pre?.uid && pre.uid !== current.metadata.uid) ||
      (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
    ) {
      throw new APIError(
        'DELETE',
        objectPath(resource, ref),
        409,
        status(409, 'Conflict', 'precondition failed'),
      );
    }
    this.state(resource).objects.delete(this.key(resource, ref));
    const deleted = {
      ...clone(current),
      metadata: { ...current.metadata, resourceVersion: String(++this.rv) },
    };
    this.store(resource, 'DELETED', deleted, current);
  }

  private async *openWatch(resource: ResourceDescriptor, opts: WatchOptions): AsyncGenerator<WatchEvent> {
    this.record('watch', resource, opts.namespace ? { namespace: opts.namespace, name: '' } : undefined);
    const state = this.state(resource);
    const from = Number(opts.resourceVersion);
    if (opts.resourceVersion && from + 1 < state.compactedBefore) {
      throw new APIError(
        'GET',
        collectionPath(resource),
        410,
        status(410, 'Gone', `too old resource version: ${from}`),
      );
    }
    const matches = this.matcher(resource, opts);
    const queue: (WatchEvent | Error | 'end')[] = [];
    let wake: (() => void) | undefined;
    const watcher: Watcher = {
      resource: describeResource(resource),
      matches,
      push: (item) => {
        queue.push(item);
        wake?.();
      },
    };
    for (const entry of state.history) {
      if (entry.rv > from) {
        const event = this.eventFor(entry, matches);
        if (event) queue.push(event);
      }
    }
    this.watchers.add(watcher);
    opts.onConnected?.();
    const onAbort = () => wake?.();
    opts.signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (opts.signal.aborted) throw opts.signal.reason;
        const item = queue.shift();
        if (item === undefined) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (item === 'end') return;
        if (item instanceof Error) throw item;
        yield clone(item);
      }
    } finally {
      opts.signal.removeEventListener('abort', onAbort);
      this.watchers.delete(watcher);
    }
  }

  private eventFor(entry: HistoryEntry, matches: (o: KubeObject) => boolean): WatchEvent | undefined {
    const now = matches(entry.object);
    const before = entry.previous ? matches(entry.previous) : false;
    if (entry.type === 'DELETED')
      return before || now ? { type: 'DELETED', object: entry.object } : undefined;
    if (now && !before) return { type: 'ADDED', object: entry.object };
    if (now && before) return { type: 'MODIFIED', object: entry.object };
    // Leaving the selector looks like a deletion to a filtered watch, as on a real API server.
    if (!now && before) return { type: 'DELETED', object: entry.object };
    return undefined;
  }

  private record(verb: FakeVerb, resource: ResourceDescriptor, ref?: ObjectRef, subresource?: string): void {
    this.calls.push({
      verb,
      resource: describeResource(resource),
      ...(ref?.namespace ? { namespace: ref.namespace } : {}),
      ...(ref?.name ? { name: ref.name } : {}),
      ...(subresource ? { subresource } : {}),
    });
    const failure = this.failures.get(verb)?.shift();
    if (failure) throw failure;
  }

  private state(resource: ResourceDescriptor): ResourceState {
    const name = describeResource(resource);
    let state = this.resources.get(name);
    if (!state) {
      state = { descriptor: resource, objects: new Map(), history: [], compactedBefore: 0 };
      this.resources.set(name, state);
    }
    return state;
  }

  private key(resource: ResourceDescriptor, ref: ObjectRef): string {
    return keyOf(resource.namespaced ? ref.namespace : undefined, ref.name);
  }

  private sortKey(object: KubeObject): string {
    return keyOf(object.metadata.namespace, object.metadata.name ?? '');
  }

  private matcher(resource: ResourceDescriptor, opts: { namespace?: string; labelSelector?: string }) {
    const labels = labelSelectorMatcher(opts.labelSelector);
    return (object: KubeObject) =>
      (!resource.namespaced || !opts.namespace || object.metadata.namespace === opts.namespace) &&
      labels(object.metadata.labels ?? {});
  }

  private existing(resource: ResourceDescriptor, ref: ObjectRef, verb: string): KubeObject {
    const object = this.state(resource).objects.get(this.key(resource, ref));
    if (!object) {
      throw new APIError(
        verb,
        objectPath(resource, ref),
        404,
        status(404, 'NotFound', `${describeResource(resource)} "${ref.name}" not found`),
      );
    }
    return object;
  }

  private stamp(
    resource: ResourceDescriptor,
    object: KubeObject,
    current: KubeObject | undefined,
  ): KubeObject {
    object.apiVersion = apiVersionOf(resource);
    object.kind = resource.kind;
    object.metadata = {
      ...object.metadata,
      uid: current?.metadata.uid ?? object.metadata.uid ?? randomUUID(),
      creationTimestamp: current?.metadata.creationTimestamp ?? new Date(0).toISOString(),
      generation: current ? (current.metadata.generation ?? 1) : 1,
      resourceVersion: String(++this.rv),
    };
    if (current && JSON.stringify(current.spec) !== JSON.stringify(object.spec)) {
      object.metadata.generation = (current.metadata.generation ?? 1) + 1;
    }
    return object;
  }

  private update(resource: ResourceDescriptor, current: KubeObject, next: KubeObject): KubeObject {
    const candidate = {
      ...next,
      metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion },
    };
    candidate.metadata.uid = current.metadata.uid;
    candidate.metadata.creationTimestamp = current.metadata.creationTimestamp;
    candidate.metadata.generation = current.metadata.generation;
    // Like the API server, a write that changes nothing keeps the resourceVersion and notifies no one.
    if (sameContent(candidate, current)) return current;
    const stored = this.stamp(resource, next, current);
    this.store(resource, 'MODIFIED', stored, current);
    return stored;
  }

  private store(
    resource: ResourceDescriptor,
    type: HistoryEntry['type'],
    object: KubeObject,
    previous?: KubeObject,
  ): void {
    const state = this.state(resource);
    if (type !== 'DELETED') state.objects.set(this.key(resource, refOf(object)), object);
    const entry: HistoryEntry = {
      rv: Number(object.metadata.resourceVersion),
      type,
      object: clone(object),
      previous,
    };
    state.history.push(entry);
    const name = describeResource(resource);
    for (const w of this.watchers) {
      if (w.resource !== name) continue;
      const event = this.eventFor(entry, w.matches);
      if (event) w.push(event);
    }
  }
}
