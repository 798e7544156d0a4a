import { describe, expect, it } from '@jest/globals';
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import { specProblem } from './spec-problem.ts';

const model = (spec: Partial<AIModelV1['spec']> = {}): AIModelV1 => ({
  apiVersion: 'ai.example.com/v1',
  kind: 'AIModel',
  metadata: { name: 'gemma', namespace: 'ml', uid: 'u', generation: 3 },
  spec: { modelName: 'gemma-2b', modelProvider: 'HuggingFace', modelType: 'LLM', image: 'img:1', ...spec },
});

const route = (spec: Partial<APIGatewayRouteV1['spec']> = {}): APIGatewayRouteV1 => ({
  apiVersion: 'gateway.example.com/v1',
  kind: 'APIGatewayRoute',
  metadata: { name: 'orders', namespace: 'shop' },
  spec: { path: '/orders', method: 'GET', destinationService: 'backend', destinationPort: 8080, ...spec },
});

describe('specProblem', () => {
  it('passes what the webhook admits', () => {
    expect(specProblem(model())).toBeUndefined();
    expect(specProblem(route({ rateLimit: 10, burst: 5 }))).toBeUndefined();
  });

  it("names what the webhook would refuse, in the API server's words", () => {
    expect(specProblem(model({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }))).toBe(
      'spec.resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1',
    );
    expect(specProblem(route({ burst: 5 }))).toBe(
      'spec.burst: Forbidden: burst is only allowed with a rateLimit above 0',
    );
  });

  it('judges the spec and metadata, not a status the controller wrote', () => {
    const withStatus = { ...model(), status: { phase: 'NotAPhase' } } as unknown as AIModelV1;
    expect(specProblem(withStatus)).toBeUndefined();
  });
});
