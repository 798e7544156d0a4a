// The process-wide set of informers: one per (resource, namespace, selectors), shared by every controller
// that asks for it, started together and checked together for readiness.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import type { KubeAPI, SelectorOptions } from '../../../shared/kube/kube-api.ts';
import { describeResource } from '../../../shared/kube/resource.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import type { Logger } from '../../../shared/logging/logger.ts';
import type { ReadinessCheckResult } from '../../../shared/observability/readiness-checks.ts';
import type { Clock } from '../../../shared/time/clock.ts';
import { Informer } from './informer.ts';
import type { InformerOptions, ReflectorTuning } from './informer.ts';

export interface InformerCacheOptions {
  api: KubeAPI;
  clock: Clock;
  logger: Logger;
  tuning?: ReflectorTuning;
}

export interface InformerRequest<T extends KubeObject> {
  selector?: SelectorOptions;
  transform?: InformerOptions<T>['transform'];
  absentRetryMs?: number;
}

function describeInformer(resource: ResourceDescriptor, selector: SelectorOptions): string {
  const parts = [describeResource(resource)];
  if (selector.namespace) parts.push(`namespace=${selector.namespace}`);
  if (selector.labelSelector) parts.push(`labels=${selector.labelSelector}`);
  if (selector.fieldSelector) parts.push(`fields=${selector.fieldSelector}`);
  return parts.join(' ');
}

export class InformerCache {
  private readonly opts: InformerCacheOptions;
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private signal: AbortSignal | undefined;
  private readonly runs: Promise<void>[] = [];

  constructor(opts: InformerCacheOptions) {
    this.opts = opts;
  }

  /** The shared informer for this resource and selector, created on first request. */
  informer<T extends KubeObject>(
    resource: ResourceDescriptor,
    request: InformerRequest<T> = {},
  ): Informer<T> {
    const selector = request.selector ?? {};
    const id = describeInformer(resource, selector);
    let informer = this.informers.get(id) as Informer<T> | undefined;
    if (!informer) {
      informer = new Informer<T>({
        api: this.opts.api,
        resource,
        selector,
        clock: this.opts.clock,
        logger: this.opts.logger,
        ...(request.transform ? { transform: request.transform } : {}),
        ...(request.absentRetryMs === undefined ? {} : { absentRetryMs: request.absentRetryMs }),
        ...(this.opts.tuning ? { tuning: this.opts.tuning } : {}),
      });
      this.informers.set(id, informer as unknown as Informer<KubeObject>);
      if (this.signal) this.runs.push(informer.start(this.signal));
    }
    return informer;
  }

  /** Starts every informer, and any requested later, until `signal` aborts. */
  start(signal: AbortSignal): void {
    if (this.signal) return;
    this.signal = signal;
    for (const informer of this.informers.values()) this.runs.push(informer.start(signal));
  }

  /** Resolves once every informer has synced (true), or when `signal` aborts (false). */
  async waitForSync(signal: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves when every started informer has stopped (after the start signal aborted). */
  async stopped(): Promise<void> {
    await Promise.all(this.runs);
  }

  /** Ready when every informer has synced and none is failing past its backoff. */
  readiness(): ReadinessCheckResult {
    const problems: string[] = [];
    for (const [id, informer] of this.informers) {
      const health = informer.health();
      if (!health.synced) problems.push(`${id}: not synced`);
      else if (!health.healthy) problems.push(`${id}: watch failing: ${health.lastError ?? 'unknown error'}`);
    }
    return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join('; ') };
  }
}
