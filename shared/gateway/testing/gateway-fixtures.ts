// Routes and models for tests of the gateway renderer, with only what a test cares about spelled out.
import type { AIModelSpecV1, AIModelV1 } from '../../api/aimodel/v1.ts';
import type { APIGatewayRouteSpecV1, APIGatewayRouteV1 } from '../../api/apigatewayroute/v1.ts';

export const FIXTURE_NAMESPACE = 'team-a';
export const FIXTURE_GATEWAY = 'edge';

export interface FixtureMeta {
  namespace?: string;
  creationTimestamp?: string;
}

export function gatewayRoute(
  name: string,
  spec: Partial<APIGatewayRouteSpecV1> & Pick<APIGatewayRouteSpecV1, 'path'>,
  meta: FixtureMeta = {},
): APIGatewayRouteV1 {
  return {
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: {
      name,
      namespace: meta.namespace ?? FIXTURE_NAMESPACE,
      creationTimestamp: meta.creationTimestamp ?? '2025-01-01T00:00:00Z',
    },
    spec: { method: 'ANY', gateway: FIXTURE_GATEWAY, ...spec },
  };
}

export function aiModel(name: string, spec: Partial<AIModelSpecV1>, meta: FixtureMeta = {}): AIModelV1 {
  return {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { name, namespace: meta.namespace ?? FIXTURE_NAMESPACE },
    spec: { modelName: name, modelProvider: 'Custom', modelType: 'LLM', ...spec },
  };
}
