// Writes a reconcile makes to children: server-side apply when the cache shows a difference, deletes
// guarded by the UID we saw. It remembers what it changed, for the log line and the Event.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { isNotFound } from '../../shared/kube/api-error.ts';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import { refOf } from '../../shared/kube/object-key.ts';
import type { ResourceDescriptor } from '../../shared/kube/resource.ts';
import type { ServerSideApplier } from '../runtime/apply/server-side-applier.ts';

export class ChildWriter {
  /** e.g. "Deployment aim-gemma applied", in order. */
  readonly changes: string[] = [];
  private readonly api: KubeAPI;
  private readonly applier: ServerSideApplier;
  private readonly signal: AbortSignal;

  constructor(api: KubeAPI, applier: ServerSideApplier, signal: AbortSignal) {
    this.api = api;
    this.applier = applier;
    this.signal = signal;
  }

  /** Applies `desired` unless `cached` already shows it; returns the object as it now is. */
  async apply<T extends KubeObject>(
    resource: ResourceDescriptor,
    desired: T,
    cached: T | undefined,
  ): Promise<T> {
    const result = await this.applier.apply<T>(resource, desired, cached, this.signal);
    if (result.applied) this.changes.push(`${desired.kind} ${desired.metadata.name} applied`);
    return result.object;
  }

  /** Deletes `child` (the cached copy), unless it is gone or was replaced by another object since. */
  async delete(resource: ResourceDescriptor, child: KubeObject): Promise<void> {
    try {
      await this.api.delete(resource, refOf(child), {
        signal: this.signal,
        propagationPolicy: 'Background',
        ...(child.metadata.uid ? { preconditions: { uid: child.metadata.uid } } : {}),
      });
      this.changes.push(`${child.kind} ${child.metadata.name} deleted`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
