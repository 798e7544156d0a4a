import { describe, expect, it } from '@jest/globals';
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { claimGaps, gatewayClaim, isClaimed, modelClaim } from './child-claim.ts';
import { renderGatewayChildren } from './gateway/gateway-children.ts';
import { testGatewayPodSettings } from './gateway/testing/pod-settings.ts';
import { renderModelConfigMap } from './model/model-config-map.ts';

const model: AIModelV1 = {
  apiVersion: 'ai.example.com/v1',
  kind: 'AIModel',
  metadata: { name: 'gemma', namespace: 'ml', uid: 'uid-1' },
  spec: { modelName: 'gemma-2b', modelProvider: 'HuggingFace', modelType: 'LLM', image: 'img:1' },
};

const route: APIGatewayRouteV1 = {
  apiVersion: 'gateway.example.com/v1',
  kind: 'APIGatewayRoute',
  metadata: { name: 'orders', namespace: 'ml', uid: 'uid-2' },
  spec: { path: '/orders', method: 'GET', destinationService: 'svc', destinationPort: 80 },
};

function configMap(metadata: Partial<KubeObject['metadata']>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'aim-gemma', namespace: 'ml', ...metadata },
  };
}

const ours = renderModelConfigMap(model);

describe('child claims', () => {
  it('recognises what the operator renders for the model, of any incarnation of it', () => {
    expect(claimGaps(ours, modelClaim('gemma'))).toEqual([]);
    const recreated = renderModelConfigMap({ ...model, metadata: { ...model.metadata, uid: 'uid-new' } });
    expect(isClaimed(recreated, modelClaim('gemma'))).toBe(true);
  });

  it('names all that an object made by someone else lacks', () => {
    expect(claimGaps(configMap({}), modelClaim('gemma'))).toEqual([
      'the label app.kubernetes.io/managed-by=ai-gateway-operator',
      'the label ai-gateway-operator/aimodel=gemma',
      'an owner reference to AIModel gemma',
    ]);
  });

  it('does not take labels alone, or an owner of another name or group, for ours', () => {
    const labelsOnly = configMap({ labels: ours.metadata.labels ?? {} });
    expect(claimGaps(labelsOnly, modelClaim('gemma'))).toEqual(['an owner reference to AIModel gemma']);
    const otherModel = configMap({
      labels: ours.metadata.labels ?? {},
      ownerReferences: [{ apiVersion: 'ai.example.com/v1', kind: 'AIModel', name: 'other', uid: 'u' }],
    });
    expect(isClaimed(otherModel, modelClaim('gemma'))).toBe(false);
    const otherGroup = configMap({
      labels: ours.metadata.labels ?? {},
      ownerReferences: [{ apiVersion: 'example.org/v1', kind: 'AIModel', name: 'gemma', uid: 'u' }],
    });
    expect(isClaimed(otherGroup, modelClaim('gemma'))).toBe(false);
  });

  it('recognises gateway children by their gateway label and any route owning them', () => {
    const children = renderGatewayChildren({
      namespace: 'ml',
      gateway: 'edge',
      routes: [route],
      apiKeySecrets: [],
      config: { config: 'events {}\n', files: {}, hash: 'h' },
      pod: testGatewayPodSettings(),
    });
    expect(isClaimed(children.deployment, gatewayClaim('edge'))).toBe(true);
    expect(claimGaps(children.deployment, gatewayClaim('default'))).toEqual([
      'the label ai-gateway-operator/gateway=default',
    ]);
    expect(claimGaps(configMap({ name: 'agw-edge' }), gatewayClaim('edge'))).toContain(
      'an owner reference to an APIGatewayRoute',
    );
  });
});
