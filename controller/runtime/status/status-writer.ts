// Writes an object's status through the status subresource, only when it changed, and survives
// concurrent writers: on 409 Conflict it re-reads the object and recomputes the status from that
// fresh state rather than overwriting someone else's update.
import type { KubeObject } from '../../../shared/api/meta.ts';
import { isConflict } from '../../../shared/kube/api-error.ts';
import type { KubeApi } from '../../../shared/kube/kube-api.ts';
import { refOf } from '../../../shared/kube/kube-api.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import { deepEqual } from '../../../shared/util/json.ts';

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
  api: KubeApi,
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
