// How many APIGatewayRoutes and AIModels there are, by the status and reason of their Ready condition,
// counted from the controller's caches when Prometheus scrapes: whether routes and models converge, and
// which problem holds back those that do not. Standby replicas keep warm caches and count too, so
// queries take the max over replicas, not the sum.
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Condition, KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { OperatorCaches } from '../reconcilers/operator-caches.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from '../reconcilers/custom-resources.ts';
import { READY, findCondition } from '../status/conditions.ts';

const CUSTOM_RESOURCES_METRIC = 'ai_gateway_operator_resources';

type CustomResource = KubeObject & { status?: { conditions?: Condition[] } };

/** What is counted of an informer: an Informer satisfies it. */
export interface CountedInformer {
  readonly hasSynced: boolean;
  readonly store: { list(): readonly CustomResource[] };
}

export interface CountedKind {
  kind: string;
  informers: readonly CountedInformer[];
}

export function registerCustomResourceMetrics(registry: Registry, kinds: readonly CountedKind[]): void {
  new Gauge({
    name: CUSTOM_RESOURCES_METRIC,
    help: 'Number of custom resources by kind, namespace, and status and reason of their Ready condition',
    labelNames: ['kind', 'resource_namespace', 'ready', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { kind, informers } of kinds) {
        // An informer that has not listed yet knows nothing: no series is better than a false zero.
        if (!informers.every((informer) => informer.hasSynced)) continue;
        for (const informer of informers) {
          for (const object of informer.store.list()) {
            const ready = findCondition(object.status?.conditions, READY);
            this.inc({
              kind,
              resource_namespace: object.metadata.namespace ?? '',
              // Not reconciled yet: no condition, so neither Ready nor known not to be.
              ready: ready?.status ?? 'Unknown',
              reason: ready?.reason ?? '',
            });
          }
        }
      }
    },
  });
}

/** The two kinds, counted from the caches the controllers read. */
export function registerOperatorResourceMetrics(
  registry: Registry,
  caches: Pick<OperatorCaches, 'routes' | 'models'>,
): void {
  registerCustomResourceMetrics(registry, [
    { kind: API_GATEWAY_ROUTES.kind, informers: caches.routes.informers },
    { kind: AI_MODELS.kind, informers: caches.models.informers },
  ]);
}
