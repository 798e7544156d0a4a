import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { modelV1, modelV1alpha1, routeV1, routeV1alpha1 } from '../api/testing/arbitraries.ts';
import { ConversionError, convertObject } from './convert.ts';
import { fieldsAnnotationKey, warningsAnnotationKey } from './lossless.ts';

const RUNS = { numRuns: 2000 };

function roundTrip(object: KubeObject, via: string): KubeObject {
  const there = convertObject(object, via).object;
  return convertObject(there, object.apiVersion).object;
}

function metadataBesidesAnnotations(o: KubeObject): object {
  const { annotations: _annotations, ...rest } = o.metadata;
  return rest;
}

describe('convertObject round trips', () => {
  const cases: [string, fc.Arbitrary<KubeObject>, string][] = [
    ['APIGatewayRoute v1 -> v1alpha1 -> v1', routeV1, 'gateway.example.com/v1alpha1'],
    ['APIGatewayRoute v1alpha1 -> v1 -> v1alpha1', routeV1alpha1, 'gateway.example.com/v1'],
    ['AIModel v1 -> v1alpha1 -> v1', modelV1, 'ai.example.com/v1alpha1'],
    ['AIModel v1alpha1 -> v1 -> v1alpha1', modelV1alpha1, 'ai.example.com/v1'],
  ];

  it.each(cases)('%s returns the original object exactly', (_name, arbitrary, via) => {
    fc.assert(
      fc.property(arbitrary, (object) => {
        const before = structuredClone(object);
        expect(roundTrip(object, via)).toEqual(before);
        expect(object).toEqual(before);
      }),
      RUNS,
    );
  });

  it.each(cases)('%s changes no metadata but annotations', (_name, arbitrary, via) => {
    fc.assert(
      fc.property(arbitrary, (object) => {
        const converted = convertObject(object, via).object;
        expect(converted.apiVersion).toBe(via);
        expect(metadataBesidesAnnotations(converted)).toEqual(metadataBesidesAnnotations(object));
        for (const [key, value] of Object.entries(object.metadata.annotations ?? {})) {
          expect(converted.metadata.annotations?.[key]).toBe(value);
        }
      }),
      RUNS,
    );
  });

  it.each(cases)('%s is stable over repeated round trips', (_name, arbitrary, via) => {
    fc.assert(
      fc.property(arbitrary, (object) => {
        const once = convertObject(object, via).object;
        const twice = convertObject(roundTrip(object, via), via).object;
        expect(twice).toEqual(once);
      }),
      { numRuns: 500 },
    );
  });
});

describe('convertObject mappings', () => {
  const seedRoute: KubeObject = {
    apiVersion: 'gateway.example.com/v1alpha1',
    kind: 'APIGatewayRoute',
    metadata: { name: 'sentiment-analysis-route', namespace: 'default' },
    spec: {
      path: '/v1/sentiment',
      targetService: 'sentiment-model-service.default.svc.cluster.local',
      authentication: true,
      rateLimit: { requestsPerMinute: 100 },
      modelName: 'sentiment-analyzer',
    },
  };

  it('maps a v1alpha1 route onto v1 fields', () => {
    const { object, warnings } = convertObject(seedRoute, 'gateway.example.com/v1');
    expect(warnings).toEqual([]);
    expect(object.spec).toEqual({
      path: '/v1/sentiment',
      method: 'ANY',
      destinationService: 'sentiment-model-service.default.svc.cluster.local',
      destinationPort: 80,
      authenticationRequired: true,
      rateLimit: 2,
    });
    // What v1 cannot say (the exact per-minute rate, the port left implicit, the model name) is kept.
    expect(
      JSON.parse(object.metadata.annotations?.[fieldsAnnotationKey('gateway.example.com', 'v1alpha1')] ?? ''),
    ).toEqual({
      spec: {
        modelName: 'sentiment-analyzer',
        rateLimit: { requestsPerMinute: 100 },
        targetService: 'sentiment-model-service.default.svc.cluster.local',
      },
    });
  });

  it('keeps an edit made in v1 rather than a stale v1alpha1 copy', () => {
    const v1 = convertObject(seedRoute, 'gateway.example.com/v1').object;
    (v1.spec as Record<string, unknown>).destinationPort = 8080;
    (v1.spec as Record<string, unknown>).rateLimit = 5;
    const back = convertObject(v1, 'gateway.example.com/v1alpha1').object;
    expect(back.spec).toEqual({
      path: '/v1/sentiment',
      targetService: 'sentiment-model-service.default.svc.cluster.local:8080',
      authentication: true,
      rateLimit: { requestsPerMinute: 300 },
      modelName: 'sentiment-analyzer',
    });
  });

  it('keeps v1-only fields through an edit made in v1alpha1', () => {
    const v1: KubeObject = {
      apiVersion: 'gateway.example.com/v1',
      kind: 'APIGatewayRoute',
      metadata: { name: 'r', namespace: 'default' },
      spec: {
        path: '/a',
        method: 'GET',
        destinationService: 'svc',
        destinationPort: 8080,
        hosts: ['api.example.com'],
      },
    };
    const alpha = convertObject(v1, 'gateway.example.com/v1alpha1').object;
    (alpha.spec as Record<string, unknown>).path = '/b';
    expect(convertObject(alpha, 'gateway.example.com/v1').object.spec).toEqual({
      path: '/b',
      method: 'GET',
      destinationService: 'svc',
      destinationPort: 8080,
      hosts: ['api.example.com'],
    });
  });

  it('maps AIModel provider, version, endpoint, requests and status', () => {
    const alpha: KubeObject = {
      apiVersion: 'ai.example.com/v1alpha1',
      kind: 'AIModel',
      metadata: { name: 'm', namespace: 'ml' },
      spec: {
        modelName: 'gpt-4',
        modelProvider: 'openai',
        version: '0613',
        endpoint: 'gpt-proxy.ml.svc:8080',
        resourceRequests: { cpu: '1', memory: '2Gi' },
        accessPolicies: ['team-a'],
      },
      status: { state: 'Failed', message: 'image pull failed', observedGeneration: 3 },
    };
    const v1 = convertObject(alpha, 'ai.example.com/v1').object;
    expect(v1.spec).toEqual({
      modelName: 'gpt-4',
      modelProvider: 'OpenAI',
      modelVersion: '0613',
      modelType: 'LLM',
      endpoint: 'http://gpt-proxy.ml.svc:8080',
      resources: { requests: { cpu: '1', memory: '2Gi' } },
      accessPolicies: ['team-a'],
    });
    expect(v1.status).toEqual({ phase: 'Error', reason: 'image pull failed', observedGeneration: 3 });
  });

  it('converts a malformed stored object best effort, with a warning annotation', () => {
    const broken: KubeObject = {
      apiVersion: 'gateway.example.com/v1alpha1',
      kind: 'APIGatewayRoute',
      metadata: { name: 'old', namespace: 'default' },
      spec: { path: '/x', targetService: 'svc:99999' },
      status: 'garbage',
    };
    const { object, warnings } = convertObject(broken, 'gateway.example.com/v1');
    expect(warnings.join()).toMatch(/spec.targetService: port 99999 is not between 1 and 65535/);
    expect(object.metadata.annotations?.[warningsAnnotationKey('gateway.example.com')]).toMatch(/port 99999/);
    expect((object.spec as Record<string, unknown>).destinationPort).toBe(80);
  });

  it('never throws on any content of a known kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['gateway.example.com/v1', 'gateway.example.com/v1alpha1', 'APIGatewayRoute'],
          ['gateway.example.com/v1alpha1', 'gateway.example.com/v1', 'APIGatewayRoute'],
          ['ai.example.com/v1', 'ai.example.com/v1alpha1', 'AIModel'],
          ['ai.example.com/v1alpha1', 'ai.example.com/v1', 'AIModel'],
        ),
        fc.anything(),
        fc.anything(),
        fc.option(fc.dictionary(fc.string(), fc.string()), { nil: undefined }),
        ([from, to, kind], spec, status, annotations) => {
          const object: KubeObject = {
            apiVersion: from,
            kind,
            metadata: { name: 'x', annotations },
            spec,
            status,
          };
          const { object: converted } = convertObject(object, to);
          expect(converted.apiVersion).toBe(to);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects unknown kinds and versions with a ConversionError', () => {
    const route = { apiVersion: 'gateway.example.com/v1', kind: 'APIGatewayRoute', metadata: {}, spec: {} };
    expect(() => convertObject(route, 'gateway.example.com/v2')).toThrow(ConversionError);
    expect(() => convertObject({ ...route, kind: 'Other' }, 'gateway.example.com/v1alpha1')).toThrow(
      /not a kind/,
    );
    expect(() => convertObject({ apiVersion: 'x' }, 'gateway.example.com/v1')).toThrow(ConversionError);
    expect(() => convertObject(route, 'ai.example.com/v1alpha1')).toThrow(ConversionError);
  });
});
