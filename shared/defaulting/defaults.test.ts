import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { modelV1, modelV1alpha1, routeV1, routeV1alpha1 } from '../api/testing/arbitraries.ts';
import { deepEqual, isPlainObject } from '../util/json.ts';
import { validateObject } from '../validation/validate.ts';
import { applyDefaults } from './defaults.ts';

/** Every field of `before` is in `after` with the same value, recursively. */
function keepsExisting(before: unknown, after: unknown): boolean {
  if (isPlainObject(before)) {
    return isPlainObject(after) && Object.entries(before).every(([k, v]) => keepsExisting(v, after[k]));
  }
  if (Array.isArray(before))
    return (
      Array.isArray(after) &&
      before.length === after.length &&
      before.every((v, i) => keepsExisting(v, after[i]))
    );
  return deepEqual(before, after);
}

describe('applyDefaults', () => {
  it('defaults a route gateway, path match and timeout', () => {
    const route = {
      apiVersion: 'gateway.example.com/v1',
      kind: 'APIGatewayRoute',
      metadata: { name: 'r' },
      spec: { path: '/a', method: 'GET', destinationService: 's', destinationPort: 80 },
    };
    expect(applyDefaults(route).spec).toEqual({
      ...route.spec,
      gateway: 'default',
      pathMatch: 'PathPrefix',
      requestTimeoutSeconds: 60,
    });
    expect(route.spec).not.toHaveProperty('gateway');
  });

  it('gives a model served in the cluster one replica on port 8080, and a model served outside nothing', () => {
    const base = { apiVersion: 'ai.example.com/v1', kind: 'AIModel', metadata: { name: 'm' } };
    const spec = { modelName: 'x', modelProvider: 'Custom', modelType: 'LLM' };
    expect(applyDefaults({ ...base, spec: { ...spec, image: 'i:1' } }).spec).toEqual({
      ...spec,
      image: 'i:1',
      replicas: 1,
      port: 8080,
    });
    expect(applyDefaults({ ...base, spec: { ...spec, endpoint: 'https://e/' } }).spec).toEqual({
      ...spec,
      endpoint: 'https://e/',
    });
  });

  it('leaves status and objects of other kinds alone', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: {} };
    expect(applyDefaults(pod)).toBe(pod);
  });

  it.each([
    ['APIGatewayRoute v1', routeV1],
    ['APIGatewayRoute v1alpha1', routeV1alpha1],
    ['AIModel v1', modelV1],
    ['AIModel v1alpha1', modelV1alpha1],
  ])('is idempotent, only adds, and keeps %s valid', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (object) => {
        const once = applyDefaults(object);
        expect(applyDefaults(once)).toEqual(once);
        expect(keepsExisting(object, once)).toBe(true);
        expect(validateObject(once).errors).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
