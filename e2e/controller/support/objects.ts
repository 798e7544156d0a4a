// The custom resources the controller's e2e tests and benchmark create.
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';

export function servedModel(
  namespace: string,
  name: string,
  spec: Partial<AIModelV1['spec']> = {},
): AIModelV1 {
  return {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { namespace, name },
    spec: {
      modelName: `${name}-model`,
      modelProvider: 'HuggingFace',
      modelVersion: 'v1',
      modelType: 'LLM',
      parameters: { temperature: 0.7 },
      image: 'registry.example/model-server:1',
      replicas: 1,
      port: 8080,
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
      ...spec,
    },
  };
}

export function serviceRoute(
  namespace: string,
  name: string,
  spec: Partial<APIGatewayRouteV1['spec']> = {},
): APIGatewayRouteV1 {
  return {
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { namespace, name },
    spec: { path: `/${name}`, method: 'GET', destinationService: 'backend', destinationPort: 8080, ...spec },
  };
}
