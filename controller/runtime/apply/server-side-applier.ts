// Server-side apply that skips the write when the cache already shows the desired state. Always
// applies with force: the controller is the authority over the fields it manages.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import { needsApply, withDesiredStateHash } from './desired-state.ts';

export interface ServerSideApplierOptions {
  api: KubeAPI;
  fieldManager: string;
  /** The annotation that carries the desired state's hash, in the controller's own domain. */
  hashAnnotation: string;
}

export interface ApplyOutcome<T extends KubeObject> {
  /** False when the cached object already matched and no request was sent. */
  applied: boolean;
  object: T;
}

export class ServerSideApplier {
  private readonly api: KubeAPI;
  private readonly fieldManager: string;
  private readonly hashAnnotation: string;

  constructor(opts: ServerSideApplierOptions) {
    this.api = opts.api;
    this.fieldManager = opts.fieldManager;
    this.hashAnnotation = opts.hashAnnotation;
  }

  /** Applies `desired` unless `cached` (the informer's copy, if any) already reflects it. */
  async apply<T extends KubeObject>(
    resource: ResourceDescriptor,
    desired: KubeObject,
    cached: T | undefined,
    signal?: AbortSignal,
  ): Promise<ApplyOutcome<T>> {
    const stamped = withDesiredStateHash(desired, this.hashAnnotation);
    if (cached && !needsApply(stamped, cached)) return { applied: false, object: cached };
    const object = await this.api.apply<T>(resource, stamped, {
      fieldManager: this.fieldManager,
      force: true,
      ...(signal ? { signal } : {}),
    });
    return { applied: true, object };
  }
}
