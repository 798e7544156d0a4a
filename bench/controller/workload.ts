// What the benchmark creates: N served AIModels and N APIGatewayRoutes spread over gateways, and the
// same children a bare client would create directly for them (the floor).
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { renderGatewayConfig } from '../../shared/gateway/render-gateway-config.ts';
import { renderGatewayChildren } from '../../controller/children/gateway/gateway-children.ts';
import { gatewayPodSettings, parseControllerConfig } from '../../controller/config.ts';
import { planModelChildren } from '../../controller/reconcilers/aimodel/plan-model-children.ts';
import { servedModel, serviceRoute } from '../../e2e/controller/support/objects.ts';

export const BENCH_RESOLVER = '10.0.0.10';

export interface Workload {
  models: AIModelV1[];
  routes: APIGatewayRouteV1[];
}

export function workload(namespace: string, count: number, routesPerGateway: number): Workload {
  const index = Array.from({ length: count }, (_, i) => i);
  return {
    models: index.map((i) => servedModel(namespace, `model-${i}`)),
    routes: index.map((i) =>
      serviceRoute(namespace, `route-${i}`, {
        gateway: `gw-${Math.floor(i / routesPerGateway)}`,
        path: `/api/v1/route-${i}`,
        rateLimit: 100,
      }),
    ),
  };
}

function withoutOwners<T extends KubeObject>(object: T): T {
  const { ownerReferences: _owners, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/** Stand-ins for stored objects: the renderers want a UID for owner references the floor then drops. */
function stored<T extends KubeObject>(object: T, i: number): T {
  return {
    ...object,
    metadata: { ...object.metadata, uid: `bench-${i}`, creationTimestamp: '2026-01-01T00:00:00Z' },
  };
}

/** The children the controller would make for `load`, without owner references (there are no owners). */
export function floorChildren(namespace: string, load: Workload): KubeObject[] {
  const children: KubeObject[] = [];
  load.models.forEach((model, i) => {
    const plan = planModelChildren(stored(model, i));
    if (plan.kind !== 'served')
      throw new Error(`benchmark model ${model.metadata.name} is not served: ${plan.kind}`);
    children.push(plan.configMap, plan.service, plan.deployment);
  });
  const byGateway = new Map<string, APIGatewayRouteV1[]>();
  load.routes.forEach((route, i) => {
    const gateway = route.spec.gateway ?? 'default';
    byGateway.set(gateway, [...(byGateway.get(gateway) ?? []), stored(route, i)]);
  });
  for (const [gateway, routes] of byGateway) {
    const config = renderGatewayConfig({ namespace, gateway, routes, models: [], resolver: BENCH_RESOLVER });
    const rendered = renderGatewayChildren({
      namespace,
      gateway,
      routes,
      apiKeySecrets: [],
      config,
      // What the controller renders with its default flags, so the floor creates the same Deployments.
      pod: gatewayPodSettings(parseControllerConfig([], {})),
    });
    children.push(rendered.configMap, rendered.service, rendered.deployment);
  }
  return children.map(withoutOwners);
}
