// The gateway controller: one key per gateway (namespace/gateway-name). Route events map to the gateway
// they name (the old and the new one when a route moves), AIModel events to the gateways whose routes
// send traffic to the model (naming it, or a model it is a fallback of), ReferenceGrant events to the
// gateways of routes reaching into the grant's namespace, and events on gateway children and pods to their gateway (drift, rollout
// progress, a pod that turned ready and whose reloader can be asked).
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import type { GatewayPodSettings } from '../../children/gateway/gateway-pod.ts';
import { GATEWAY_LABEL } from '../../children/labels.ts';
import type { Controller } from '../../runtime/controller/controller.ts';
import { enqueueMapped, generationChanged } from '../../runtime/handlers/enqueue.ts';
import type { Manager } from '../../runtime/manager/manager.ts';
import type { ControllerDependencies } from '../controller-dependencies.ts';
import { enqueueOwnerFromLabel } from '../owned-by-label.ts';
import { ClusterDNS } from './cluster-dns.ts';
import { PODS_BY_GATEWAY, ReloaderStatusReader, indexPodByGateway } from './gateway-pod-reports.ts';
import type { GatewayPodReporter } from './gateway-pod-reports.ts';
import { GatewayReconciler } from './gateway-reconciler.ts';
import {
  MODELS_BY_FALLBACK,
  ROUTES_BY_GATEWAY,
  ROUTES_BY_MODEL,
  ROUTES_BY_TARGET_NAMESPACE,
  gatewayRequest,
  gatewaysReaching,
  gatewaysOf,
  indexByFallback,
  indexByGateway,
  indexByModel,
  indexByTargetNamespace,
} from './route-indexes.ts';
import type { ReferenceGrant } from './reference-grants.ts';
import { namespaceOf } from '../../../shared/kube/object-key.ts';

export interface GatewaySettings {
  pod: GatewayPodSettings;
  /** Undefined: discovered from the kube-dns Service. */
  resolver: string | undefined;
  /** Whether gateways may proxy to loopback, link-local and cloud metadata hosts. */
  allowLocalEgress: boolean;
  /** Bytes a gateway's configuration may take in its ConfigMap; MAX_GATEWAY_CONFIG_BYTES unless a test sets less. */
  configBudgetBytes?: number;
}

/** `pods` reads the gateway pods' reloaders; by default over HTTP at the addresses the pod cache shows. */
export function addGatewayController(
  manager: Pick<Manager, 'addController'>,
  deps: ControllerDependencies,
  settings: GatewaySettings,
  pods: GatewayPodReporter = new ReloaderStatusReader(deps.caches.gatewayPods),
): Controller {
  const { caches } = deps;
  caches.routes.addIndex(ROUTES_BY_GATEWAY, indexByGateway);
  caches.routes.addIndex(ROUTES_BY_MODEL, indexByModel);
  caches.models.addIndex(MODELS_BY_FALLBACK, indexByFallback);
  caches.gatewayPods.addIndex(PODS_BY_GATEWAY, indexPodByGateway);
  caches.routes.addIndex(ROUTES_BY_TARGET_NAMESPACE, indexByTargetNamespace);
  const reconciler = new GatewayReconciler({
    api: deps.api,
    applier: deps.applier,
    routes: caches.routes,
    models: caches.models,
    configMaps: caches.configMaps,
    services: caches.services,
    deployments: caches.deployments,
    grants: caches.referenceGrants,
    dns: new ClusterDNS({ api: deps.api, clock: deps.clock, configured: settings.resolver }),
    pods,
    events: deps.events,
    clock: deps.clock,
    pod: settings.pod,
    allowLocalEgress: settings.allowLocalEgress,
    ...(settings.configBudgetBytes === undefined ? {} : { configBudgetBytes: settings.configBudgetBytes }),
  });
  const controller = manager.addController({
    name: 'gateway',
    reconciler,
    maxConcurrentReconciles: deps.workers,
  });
  // Status-only updates (our own writes among them) leave generation alone and need no reconcile.
  caches.routes.feed(
    controller,
    enqueueMapped<APIGatewayRouteV1>((route) => [gatewayRequest(route)], generationChanged),
  );
  caches.models.feed(
    controller,
    enqueueMapped<AIModelV1>(
      (model) =>
        gatewaysReaching(
          model,
          (key) => caches.routes.byIndex(ROUTES_BY_MODEL, key),
          (key) => caches.models.byIndex(MODELS_BY_FALLBACK, key),
        ),
      generationChanged,
    ),
  );
  // Any change of a grant (its spec has no generation a status could change) may grant or revoke access.
  caches.referenceGrants.feed(
    controller,
    enqueueMapped<ReferenceGrant>((grant) =>
      gatewaysOf(caches.routes.byIndex(ROUTES_BY_TARGET_NAMESPACE, namespaceOf(grant))),
    ),
  );
  caches.configMaps.feed(controller, enqueueOwnerFromLabel(GATEWAY_LABEL));
  caches.services.feed(controller, enqueueOwnerFromLabel(GATEWAY_LABEL));
  caches.deployments.feed(controller, enqueueOwnerFromLabel(GATEWAY_LABEL));
  caches.gatewayPods.feed(controller, enqueueOwnerFromLabel(GATEWAY_LABEL));
  return controller;
}
