// The caches both controllers read: the two custom resources, and the children this operator wrote
// (selected by label, so unrelated ConfigMaps, Services and Deployments never fill memory).
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import { CONFIG_MAPS, DEPLOYMENTS, SERVICES } from '../../shared/kube/well-known-resources.ts';
import type { ConfigMap, Deployment, Service } from '../children/kube-objects.ts';
import { MANAGED_SELECTOR } from '../children/labels.ts';
import type { InformerCache } from '../runtime/cache/informer-cache.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from './custom-resources.ts';
import { WatchedObjects } from './watched-objects.ts';

export interface OperatorCaches {
  models: WatchedObjects<AIModelV1>;
  routes: WatchedObjects<APIGatewayRouteV1>;
  configMaps: WatchedObjects<ConfigMap>;
  services: WatchedObjects<Service>;
  deployments: WatchedObjects<Deployment>;
}

/** `namespaces` empty: the whole cluster. */
export function createOperatorCaches(cache: InformerCache, namespaces: readonly string[]): OperatorCaches {
  return {
    models: new WatchedObjects(cache, AI_MODELS, namespaces),
    routes: new WatchedObjects(cache, API_GATEWAY_ROUTES, namespaces),
    configMaps: new WatchedObjects(cache, CONFIG_MAPS, namespaces, MANAGED_SELECTOR),
    services: new WatchedObjects(cache, SERVICES, namespaces, MANAGED_SELECTOR),
    deployments: new WatchedObjects(cache, DEPLOYMENTS, namespaces, MANAGED_SELECTOR),
  };
}
