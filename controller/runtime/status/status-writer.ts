// Writes an object's status through the status subresource, only when it changed, and survives
// concurrent writers: on 409 Conflict it re-reads the object and recomputes the status from that
// fresh state rather than overwriting someone else's update.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { isConflict } from '../../../shared/kube/api-error.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import { refOf } from '../../../shared/kube/object-key.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import { deepEqual } from '../../../shared/util/json.ts';
import { trimForCache } from '../cache/trim-for-cache.ts';

export interface StatusUpdateOutcome<T extends KubeObject> {
  /** False when the computed status equalled the current one and nothing was sent. */
  written: boolean;
  object: T;
}

export interface StatusUpdateOptions {
  maxAttempts?: number;
  signal?: AbortSignal;
}

const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Sets `object`'s status to `computeStatus(latest)`, where latest is `object` at first and a fresh read
 * after each conflict. The last conflict is rethrown after `maxAttempts`, so the controller backs off.
 */
export async function updateStatus<T extends KubeObject>(
  api: KubeAPI,
  resource: ResourceDescriptor,
  object: T,
  computeStatus: (latest: T) => unknown,
  opts: StatusUpdateOptions = {},
): Promise<StatusUpdateOutcome<T>> {
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const request = opts.signal ? { signal: opts.signal } : {};
  let latest = object;
  for (let attempt = 1; ; attempt++) {
    const status = computeStatus(latest);
    if (deepEqual(status, latest.status)) return { written: false, object: latest };
    try {
      const written = await api.replace<T>(
        resource,
        { ...latest, status },
        { subresource: 'status', ...request },
      );
      return { written: true, object: written };
    } catch (err) {
      if (!isConflict(err) || attempt >= maxAttempts) throw err;
      latest = await api.get<T>(resource, refOf(latest), request);
    }
  }
}

interface WrittenStatus {
  /** resourceVersions older than `object`: a cache showing one of them has not seen our write yet. */
  staleVersions: Set<string>;
  object: KubeObject;
}

const DEFAULT_MAX_REMEMBERED = 10_000;

/**
 * updateStatus that reads its own writes. The informer cache learns of a status write only when the
 * watch delivers it; a reconcile running before that (a child changed meanwhile) would compute from the
 * stale copy, write again and earn a 409. So each written object is remembered, with the versions it
 * supersedes, until the cache shows a version not among them (ours, or someone else's newer one).
 */
export class StatusWriter {
  private readonly api: KubeAPI;
  private readonly maxRemembered: number;
  private readonly written = new Map<string, WrittenStatus>();

  constructor(api: KubeAPI, maxRemembered = DEFAULT_MAX_REMEMBERED) {
    this.api = api;
    this.maxRemembered = maxRemembered;
  }

  async update<T extends KubeObject>(
    resource: ResourceDescriptor,
    cached: T,
    computeStatus: (latest: T) => unknown,
    opts: StatusUpdateOptions = {},
  ): Promise<StatusUpdateOutcome<T>> {
    const key = `${resource.resource}.${resource.group}/${cached.metadata.uid ?? `${cached.metadata.namespace}/${cached.metadata.name}`}`;
    const start = this.recall(key, cached);
    const outcome = await updateStatus(this.api, resource, start, computeStatus, opts);
    if (outcome.written) {
      const staleVersions = new Set(this.written.get(key)?.staleVersions);
      for (const version of [cached.metadata.resourceVersion, start.metadata.resourceVersion]) {
        if (version) staleVersions.add(version);
      }
      this.written.delete(key);
      // Kept until the cache catches up, which a status-only change may never prompt a look at: trimmed
      // like a cached object, so that it costs no more than one.
      this.written.set(key, { staleVersions, object: trimForCache(outcome.object) });
      for (const oldest of this.written.keys()) {
        if (this.written.size <= this.maxRemembered) break;
        this.written.delete(oldest);
      }
    }
    return outcome;
  }

  /** How many objects are remembered now. */
  get size(): number {
    return this.written.size;
  }

  private recall<T extends KubeObject>(key: string, cached: T): T {
    const entry = this.written.get(key);
    const version = cached.metadata.resourceVersion;
    if (entry && version && entry.staleVersions.has(version)) return entry.object as T;
    this.written.delete(key);
    return cached;
  }
}
