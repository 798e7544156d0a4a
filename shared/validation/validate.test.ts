import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { basename } from 'node:path';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { modelV1, modelV1alpha1, routeV1, routeV1alpha1 } from '../api/testing/arbitraries.ts';
import { convertObject } from '../conversion/convert.ts';
import { loadSeed, seedFiles } from '../../test/fixtures/seeds.ts';
import { formatFieldError, formatFieldErrors, validateObject, validateUpdate } from './validate.ts';

function route(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { name: 'r', namespace: 'default' },
    spec,
  };
}
const validRoute = { path: '/api', method: 'GET', destinationService: 'svc', destinationPort: 8080 };

function messages(object: unknown): string[] {
  return validateObject(object).errors.map(formatFieldError);
}

describe('validateObject', () => {
  it.each(seedFiles().map((f) => [basename(f), f]))('accepts the seed example %s', (_name, file) => {
    expect(validateObject(loadSeed(file))).toEqual({ errors: [], warnings: expect.any(Array) });
  });

  it('says what is wrong with a port out of range, in the API server words', () => {
    expect(messages(route({ ...validRoute, destinationPort: 70000 }))).toEqual([
      'spec.destinationPort: Invalid value: 70000: must be between 1 and 65535',
    ]);
  });

  it('lists the supported values of an enum', () => {
    expect(messages(route({ ...validRoute, method: 'FETCH' }))).toEqual([
      'spec.method: Unsupported value: "FETCH": supported values: "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"',
    ]);
  });

  it('rejects a path that could break out of a proxy configuration', () => {
    for (const path of ['/a;b', '/a"b', '/a{b}', '/$host', '/a b', 'relative']) {
      expect(messages(route({ ...validRoute, path }))).toEqual([
        `spec.path: Invalid value: ${JSON.stringify(path)}: must start with "/" and contain only letters, digits and the characters ._~%!&()*+,=:@/- (no quotes, "$", ";", braces or whitespace)`,
      ]);
    }
  });

  it('rejects header values that could inject configuration', () => {
    const errors = messages(
      route({ ...validRoute, headers: [{ name: 'X-Team', value: 'a"; return 200; #' }] }),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^spec.headers\[0\].value: Invalid value: /);
  });

  it('rejects header values that could never match, as nginx trims request header values', () => {
    const value = (v: string) => messages(route({ ...validRoute, headers: [{ name: 'X-Team', value: v }] }));
    expect(value('')).toEqual(['spec.headers[0].value: Invalid value: "": must not be empty']);
    for (const v of [' a', 'a ', ' ', '\ta', 'a\t']) {
      expect(value(v)).toEqual([
        `spec.headers[0].value: Invalid value: ${JSON.stringify(v)}: must contain only printable ASCII characters other than '"', '\\', "$", braces and ";", and must not start or end with a space`,
      ]);
    }
    expect(value('a b')).toEqual([]);
    expect(value('a')).toEqual([]);
  });

  it('rejects a destination Service that is an IP address', () => {
    for (const destinationService of ['169.254.169.254', '10.0.0.1', '127.1', '2130706433']) {
      expect(messages(route({ ...validRoute, destinationService }))).toEqual([
        `spec.destinationService: Invalid value: "${destinationService}": must be a Service name, not an IP address`,
      ]);
    }
    expect(messages(route({ ...validRoute, destinationService: '::1' }))).toEqual([
      `spec.destinationService: Invalid value: "::1": must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', each label starting and ending with a letter or digit`,
    ]);
    for (const destinationService of ['svc-1', '1password.team', '10.0.0.1.nip.io']) {
      expect(messages(route({ ...validRoute, destinationService }))).toEqual([]);
    }
  });

  it('rejects a route path the gateway would refuse every request for, in both versions', () => {
    const detail =
      'must not hold an escaped "/", "\\", ";", "?", "#", "%" or ".", nor a "." or ".." segment: the gateway refuses requests for such paths';
    for (const path of [
      '/a%2Fb',
      '/a%2fb',
      '/a%5C',
      '/a%3b',
      '/a%3F',
      '/a%23',
      '/a%25',
      '/%2e%2e/x',
      '/a/..',
      '/a/./b',
      '/.',
    ]) {
      expect(messages(route({ ...validRoute, path }))).toEqual([
        `spec.path: Invalid value: ${JSON.stringify(path)}: ${detail}`,
      ]);
      const alpha: KubeObject = {
        apiVersion: 'gateway.example.com/v1alpha1',
        kind: 'APIGatewayRoute',
        metadata: { name: 'r', namespace: 'default' },
        spec: { path, targetService: 'svc:8080' },
      };
      expect(messages(alpha)).toEqual([`spec.path: Invalid value: ${JSON.stringify(path)}: ${detail}`]);
    }
    for (const path of ['/', '/a%20b', '/caf%C3%A9', '/a.b/..c/.well-known', '/v1.2/x..']) {
      expect(messages(route({ ...validRoute, path }))).toEqual([]);
    }
  });

  it('rejects a v1alpha1 target Service that is an IP address, which would convert into an invalid v1 route', () => {
    for (const targetService of ['169.254.169.254', '10.0.0.1:8080']) {
      const alpha: KubeObject = {
        apiVersion: 'gateway.example.com/v1alpha1',
        kind: 'APIGatewayRoute',
        metadata: { name: 'r', namespace: 'default' },
        spec: { path: '/api', targetService },
      };
      expect(messages(alpha)).toEqual([
        `spec.targetService: Invalid value: "${targetService}": must be a Service name, not an IP address`,
      ]);
      expect(messages(convertObject(alpha, 'gateway.example.com/v1').object)).toEqual([
        `spec.destinationService: Invalid value: "${targetService.split(':')[0]}": must be a Service name, not an IP address`,
      ]);
    }
  });

  it('reports missing required fields and the backend rule together', () => {
    expect(messages(route({ method: 'GET' }))).toEqual([
      'spec.path: Required value',
      'spec: Invalid value: exactly one of destinationService, aiModelRef or aiModelRouting must be set',
    ]);
  });

  it('requires a port with a destination Service, forbids burst without a rate, finds duplicates', () => {
    expect(
      messages(
        route({
          path: '/a',
          method: 'ANY',
          destinationService: 'svc',
          burst: 5,
          hosts: ['a.example.com', 'A.example.com'.toLowerCase()],
          headers: [
            { name: 'X-A', value: '1' },
            { name: 'x-a', value: '2' },
          ],
        }),
      ),
    ).toEqual([
      'spec.destinationPort: Required value: destinationPort is required with destinationService',
      'spec.burst: Forbidden: burst is only allowed with a rateLimit above 0',
      'spec.hosts[1]: Duplicate value: "a.example.com"',
      'spec.headers[1].name: Duplicate value: "x-a"',
    ]);
  });

  it('warns when authentication is required but no keys are configured', () => {
    expect(validateObject(route({ ...validRoute, authenticationRequired: true })).warnings).toEqual([
      'spec.authenticationRequired is true but spec.apiKeySecretRef is not set: every request will be answered 401',
    ]);
  });

  it('warns that a Service of another namespace needs its consent', () => {
    const inNamespace = (spec: Record<string, unknown>) => {
      const object = route(spec);
      return { ...object, metadata: { ...object.metadata, namespace: 'team-a' } };
    };
    expect(
      validateObject(inNamespace({ ...validRoute, destinationService: 'orders.shop.svc.cluster.local' }))
        .warnings,
    ).toEqual([
      'spec.destinationService reaches namespace shop: the route is served only while a ReferenceGrant (gateway.networking.k8s.io/v1beta1) there permits APIGatewayRoutes from namespace team-a',
    ]);
    expect(
      validateObject(inNamespace({ ...validRoute, destinationService: 'orders.team-a' })).warnings,
    ).toEqual([]);
    expect(
      validateObject(inNamespace({ ...validRoute, destinationService: 'api.example.com' })).warnings,
    ).toEqual([]);
  });

  it('checks AIModel serving fields: quantities, limits, env sources, name length', () => {
    const model: KubeObject = {
      apiVersion: 'ai.example.com/v1',
      kind: 'AIModel',
      metadata: { name: 'm'.repeat(57) },
      spec: {
        modelName: 'gemma',
        modelProvider: 'HuggingFace',
        modelType: 'LLM',
        image: 'example/serve:1',
        resources: { requests: { cpu: '4', memory: 'lots' }, limits: { cpu: '2' } },
        env: [{ name: 'TOKEN', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
      },
    };
    expect(messages(model)).toEqual([
      'spec.resources.requests.memory: Invalid value: "lots": must be a quantity such as "2", "500m" or "8Gi"',
      `metadata.name: Invalid value: "${'m'.repeat(57)}": must be at most 56 characters (names of the objects serving the model derive from it)`,
      'spec.env[0]: Invalid value: value and valueFrom are mutually exclusive',
      'spec.resources.requests[cpu]: Invalid value: "4": must be less than or equal to cpu limit of 2',
    ]);
  });

  it('bounds AIModel parameters, which a v1alpha1 object carries in an annotation', () => {
    const withParameters = (kib: number): KubeObject => ({
      apiVersion: 'ai.example.com/v1',
      kind: 'AIModel',
      metadata: { name: 'm' },
      spec: {
        modelName: 'gemma',
        modelProvider: 'Custom',
        modelType: 'LLM',
        endpoint: 'https://models.example.com',
        parameters: { systemPrompt: 'x'.repeat(kib * 1024) },
      },
    });
    expect(messages(withParameters(70))).toEqual([
      'spec.parameters: Too long: may not be more than 65536 bytes as JSON',
    ]);
    expect(messages(withParameters(60))).toEqual([]);
  });

  it('refuses a v1 object whose v1alpha1 form would carry more annotations than the API server allows', () => {
    // kubectl's client-side apply keeps a copy of the object in an annotation; v1alpha1 adds the parameters.
    const model = (ownAnnotationKib: number): KubeObject => ({
      apiVersion: 'ai.example.com/v1',
      kind: 'AIModel',
      metadata: {
        name: 'm',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(ownAnnotationKib * 1024),
        },
      },
      spec: {
        modelName: 'gemma',
        modelProvider: 'Custom',
        modelType: 'LLM',
        endpoint: 'https://models.example.com',
        parameters: { systemPrompt: 'y'.repeat(60 * 1024) },
      },
    });
    expect(messages(model(150))).toEqual([]);
    const [message, ...rest] = messages(model(200));
    expect(rest).toEqual([]);
    expect(message).toMatch(
      /^spec: Too long: read as ai\.example\.com\/v1alpha1 it would carry \d+ bytes of annotations .* more than the 262144 the API server allows/,
    );
  });

  it('rejects a kind or version it does not serve', () => {
    expect(messages({ apiVersion: 'gateway.example.com/v2', kind: 'APIGatewayRoute', metadata: {} })).toEqual(
      [
        'apiVersion: Unsupported value: "gateway.example.com/v2, Kind=APIGatewayRoute": supported: gateway.example.com/v1 and v1alpha1 APIGatewayRoute, ai.example.com/v1 and v1alpha1 AIModel',
      ],
    );
    expect(messages('not an object')).toHaveLength(1);
  });

  it('joins several errors as the API server does', () => {
    const errors = validateObject(route({ method: 'GET' })).errors;
    expect(formatFieldErrors(errors)).toBe(
      '[spec.path: Required value, spec: Invalid value: exactly one of destinationService, aiModelRef or aiModelRouting must be set]',
    );
  });

  it.each([
    ['APIGatewayRoute v1', routeV1],
    ['APIGatewayRoute v1alpha1', routeV1alpha1],
    ['AIModel v1', modelV1],
    ['AIModel v1alpha1', modelV1alpha1],
  ])('accepts every generated valid %s', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (object) => {
        expect(validateObject(object).errors).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['APIGatewayRoute v1 -> v1alpha1', routeV1, 'gateway.example.com/v1alpha1'],
    ['APIGatewayRoute v1alpha1 -> v1', routeV1alpha1, 'gateway.example.com/v1'],
    ['AIModel v1alpha1 -> v1', modelV1alpha1, 'ai.example.com/v1'],
  ])('converts valid objects into valid objects: %s', (_name, arbitrary, to) => {
    fc.assert(
      fc.property(arbitrary, (object) => {
        expect(validateObject(convertObject(object, to).object).errors).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('validateUpdate', () => {
  const model: KubeObject = {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { name: 'm', namespace: 'default' },
    spec: {
      modelName: 'gemma',
      modelProvider: 'HuggingFace',
      modelType: 'LLM',
      endpoint: 'https://x.example.com/',
    },
  };

  it('keeps modelName immutable, in either version', () => {
    const changed = { ...model, spec: { ...(model.spec as object), modelName: 'llama' } };
    expect(validateUpdate(changed, model).errors.map(formatFieldError)).toEqual([
      'spec.modelName: Invalid value: "llama": field is immutable',
    ]);
    const alphaOld = convertObject(model, 'ai.example.com/v1alpha1').object;
    expect(validateUpdate(changed, alphaOld).errors).toHaveLength(1);
    expect(validateUpdate(model, model).errors).toEqual([]);
  });

  it('does not judge an unchanged spec again (finalizer removal of an object stored before a rule)', () => {
    const stored = { ...model, spec: { ...(model.spec as object), image: 'i:1', replicas: 500 } };
    const unfinalized = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, finalizers: [] } });
    expect(validateUpdate(unfinalized(stored), stored).errors).toEqual([]);
    // Read as v1alpha1, the replicas travel in an annotation, and are judged as v1 only when they change.
    const alpha = convertObject(stored, 'ai.example.com/v1alpha1').object;
    expect(validateObject(alpha).errors).not.toEqual([]);
    expect(validateUpdate(unfinalized(alpha), alpha).errors).toEqual([]);
  });

  it('judges a changed spec, in the version written or in v1', () => {
    const stored = { ...model, spec: { ...(model.spec as object), accessPolicies: ['a', 'a'] } };
    const changed = { ...stored, spec: { ...stored.spec, modelVersion: '2' } };
    expect(validateUpdate(changed, stored).errors.map((e) => e.field)).toEqual(['spec.accessPolicies[1]']);
    // An empty policy name is valid v1alpha1 but not valid v1.
    const alpha = convertObject(
      { ...model, spec: { ...(model.spec as object), accessPolicies: ['a'] } },
      'ai.example.com/v1alpha1',
    ).object;
    const emptied = { ...alpha, spec: { ...(alpha.spec as object), accessPolicies: [''] } };
    expect(validateUpdate(emptied, alpha).errors.map(formatFieldError)).toEqual([
      'spec.accessPolicies[0]: Invalid value: "": must not be empty (in ai.example.com/v1 spec.accessPolicies[0])',
    ]);
  });
});
