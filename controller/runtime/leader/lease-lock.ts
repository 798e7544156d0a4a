// The coordination.k8s.io/v1 Lease a leader election revolves around, read and written with optimistic
// concurrency: every update carries the resourceVersion it was based on, so two candidates racing for
// an expired lease cannot both win.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { isNotFound } from '../../../shared/kube/api-error.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import { LEASES } from '../../../shared/kube/well-known-resources.ts';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export class LeaseLock {
  readonly namespace: string;
  readonly name: string;
  private readonly api: KubeAPI;

  constructor(api: KubeAPI, namespace: string, name: string) {
    this.api = api;
    this.namespace = namespace;
    this.name = name;
  }

  /** The lease, or undefined if it does not exist yet. */
  async get(signal?: AbortSignal): Promise<Lease | undefined> {
    try {
      return await this.api.get<Lease>(
        LEASES,
        { namespace: this.namespace, name: this.name },
        signal ? { signal } : {},
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  create(spec: LeaseSpec, signal?: AbortSignal): Promise<Lease> {
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { namespace: this.namespace, name: this.name },
      spec,
    };
    return this.api.create<Lease>(LEASES, lease, signal ? { signal } : {});
  }

  /** Replaces the spec of `current`; fails with 409 Conflict if the lease changed since it was read. */
  update(current: Lease, spec: LeaseSpec, signal?: AbortSignal): Promise<Lease> {
    return this.api.replace<Lease>(LEASES, { ...current, spec }, signal ? { signal } : {});
  }
}
