import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { referencedObjects } from './references.ts';

const route = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'gateway.example.com/v1',
  kind: 'APIGatewayRoute',
  metadata: { name: 'r', namespace: 'team' },
  spec: { path: '/', method: 'GET', ...spec },
});

describe('referencedObjects', () => {
  it('finds the Service of a route in its namespace, by name or DNS name', () => {
    const users = { kind: 'Service', namespace: 'team', name: 'users', field: 'spec.destinationService' };
    expect(referencedObjects(route({ destinationService: 'users', destinationPort: 80 }))).toEqual([users]);
    expect(referencedObjects(route({ destinationService: 'users.team' }))).toEqual([users]);
    expect(referencedObjects(route({ destinationService: 'users.team.svc.cluster.local' }))).toEqual([users]);
    expect(referencedObjects(route({ destinationService: 'api.example.com' }))).toEqual([]);
  });

  it('leaves out a Service in another namespace, which the route author may not be allowed to see', () => {
    for (const destinationService of ['users.other', 'users.other.svc', 'users.other.svc.cluster.local']) {
      expect(referencedObjects(route({ destinationService }))).toEqual([]);
    }
  });

  it('finds the AIModel and, when authentication is on, the API key Secret', () => {
    expect(
      referencedObjects(
        route({
          aiModelRef: { name: 'gemma' },
          authenticationRequired: true,
          apiKeySecretRef: { name: 'keys' },
        }),
      ),
    ).toEqual([
      { kind: 'AIModel', namespace: 'team', name: 'gemma', field: 'spec.aiModelRef.name' },
      { kind: 'Secret', namespace: 'team', name: 'keys', field: 'spec.apiKeySecretRef.name' },
    ]);
  });

  it('finds the Secrets and ConfigMaps a model environment needs, but not optional ones', () => {
    const model: KubeObject = {
      apiVersion: 'ai.example.com/v1',
      kind: 'AIModel',
      metadata: { name: 'm', namespace: 'ml' },
      spec: {
        env: [
          { name: 'A', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
          { name: 'B', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'x' } } },
          { name: 'C', valueFrom: { secretKeyRef: { name: 'opt', key: 'x', optional: true } } },
          { name: 'D', value: 'literal' },
        ],
      },
    };
    expect(referencedObjects(model)).toEqual([
      { kind: 'Secret', namespace: 'ml', name: 'hf', field: 'spec.env[0].valueFrom.secretKeyRef.name' },
      {
        kind: 'ConfigMap',
        namespace: 'ml',
        name: 'cfg',
        field: 'spec.env[1].valueFrom.configMapKeyRef.name',
      },
    ]);
  });
});
