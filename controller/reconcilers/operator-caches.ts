// The caches both controllers read: the two custom resources, the children this operator wrote and the
// gateway pods (selected by label, so unrelated ConfigMaps, Services, Deployments and pods never fill
// memory), and Gateway API's ReferenceGrants where their CRD is installed.
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import { CONFIG_MAPS, DEPLOYMENTS, PODS, SERVICES } from '../../shared/kube/well-known-resources.ts';
import type { ConfigMap, Deployment, Pod, Service } from '../children/kube-objects.ts';
import { GATEWAY_PODS_SELECTOR, MANAGED_SELECTOR } from '../children/labels.ts';
import type { InformerCache } from '../runtime/cache/informer-cache.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from './custom-resources.ts';
import { REFERENCE_GRANTS } from './gateway/reference-grants.ts';
import type { ReferenceGrant } from './gateway/reference-grants.ts';
import { WatchedObjects } from '../runtime/cache/watched-objects.ts';

export interface OperatorCaches {
  models: WatchedObjects<AIModelV1>;
  routes: WatchedObjects<APIGatewayRouteV1>;
  configMaps: WatchedObjects<ConfigMap>;
  services: WatchedObjects<Service>;
  deployments: WatchedObjects<Deployment>;
  /** Read for the address of their reloaders, which tell what configuration each pod serves. */
  gatewayPods: WatchedObjects<Pod>;
  /** Gateway API's consent to reach another namespace's Services; empty where its CRD is not installed. */
  referenceGrants: WatchedObjects<ReferenceGrant>;
}

/** How often the controller looks whether an optional CRD (ReferenceGrant) has been installed. */
const ABSENT_CRD_RETRY_MS = 30_000;

/** `namespaces` empty: the whole cluster. */
export function createOperatorCaches(cache: InformerCache, namespaces: readonly string[]): OperatorCaches {
  return {
    models: new WatchedObjects(cache, AI_MODELS, namespaces),
    routes: new WatchedObjects(cache, API_GATEWAY_ROUTES, namespaces),
    configMaps: new WatchedObjects(cache, CONFIG_MAPS, namespaces, { labelSelector: MANAGED_SELECTOR }),
    services: new WatchedObjects(cache, SERVICES, namespaces, { labelSelector: MANAGED_SELECTOR }),
    deployments: new WatchedObjects(cache, DEPLOYMENTS, namespaces, { labelSelector: MANAGED_SELECTOR }),
    gatewayPods: new WatchedObjects(cache, PODS, namespaces, { labelSelector: GATEWAY_PODS_SELECTOR }),
    referenceGrants: new WatchedObjects(cache, REFERENCE_GRANTS, namespaces, {
      absentRetryMs: ABSENT_CRD_RETRY_MS,
    }),
  };
}
