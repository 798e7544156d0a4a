import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { contentHash } from '../../../shared/util/content-hash.ts';
import { isSubsetOf, needsApply, withDesiredStateHash } from './desired-state.ts';

const ANNOTATION = 'example.com/applied-hash';

function deployment(spec: unknown, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'ns', annotations },
    spec,
  };
}

describe('isSubsetOf', () => {
  it('ignores fields the server or other managers added', () => {
    const desired = {
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'gw', image: 'gw:1' }] } } },
    };
    const actual = {
      spec: {
        replicas: 2,
        progressDeadlineSeconds: 600,
        template: {
          spec: {
            containers: [{ name: 'gw', image: 'gw:1', imagePullPolicy: 'IfNotPresent' }],
            dnsPolicy: 'ClusterFirst',
          },
        },
      },
      status: { readyReplicas: 2 },
    };
    expect(isSubsetOf(desired, actual)).toBe(true);
  });

  it('sees a changed value, a missing field, a different list length and a field that should be absent', () => {
    expect(isSubsetOf({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false);
    expect(isSubsetOf({ a: { b: 1 } }, { a: {} })).toBe(false);
    expect(isSubsetOf({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(isSubsetOf({ a: [{ name: 'x' }] }, { a: [] })).toBe(false);
    expect(isSubsetOf({ a: [{ name: 'x' }, { name: 'y' }] }, { a: [{ name: 'y' }, { name: 'x' }] })).toBe(
      false,
    );
    expect(isSubsetOf({ a: null }, { a: 'set' })).toBe(false);
    expect(isSubsetOf({ a: null }, {})).toBe(true);
  });

  it('ignores entries other managers added to keyed lists, but not a change to one of ours', () => {
    const desired = {
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    };
    const injected = {
      env: [
        { name: 'PROXY', value: 'on' },
        { name: 'A', value: '1' },
        { name: 'TZ', value: 'UTC' },
        { name: 'B', value: '2' },
      ],
    };
    expect(isSubsetOf(desired, injected)).toBe(true);
    expect(
      isSubsetOf(desired, {
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
        ],
      }),
    ).toBe(false);
    expect(isSubsetOf({ args: ['--a'] }, { args: ['--a', '--b'] })).toBe(false);
  });

  it('holds for any value against itself with extra fields added', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.string(),
        fc.jsonValue(),
        (desired, extraKey, extra) => {
          const actual = extraKey in desired ? desired : { ...desired, [extraKey]: extra };
          expect(isSubsetOf(desired, structuredClone(actual))).toBe(true);
        },
      ),
    );
  });
});

describe('desired-state hash', () => {
  it('does not depend on key order and ignores its own previous value', () => {
    const a = deployment({ replicas: 1, selector: { app: 'x' } });
    const b = deployment({ selector: { app: 'x' }, replicas: 1 }, { [ANNOTATION]: 'stale' });
    expect(withDesiredStateHash(a, ANNOTATION).metadata.annotations?.[ANNOTATION]).toBe(
      withDesiredStateHash(b, ANNOTATION).metadata.annotations?.[ANNOTATION],
    );
    expect(contentHash(a)).not.toBe(contentHash(deployment({ replicas: 2, selector: { app: 'x' } })));
  });

  it('asks for an apply when a field we used to set is dropped, though the rest still matches', () => {
    const before = withDesiredStateHash(deployment({ replicas: 1, paused: true }), ANNOTATION);
    const server = { ...structuredClone(before), status: {} };
    expect(needsApply(before, server)).toBe(false);
    const after = withDesiredStateHash(deployment({ replicas: 1 }), ANNOTATION);
    expect(needsApply(after, server)).toBe(true);
  });
});
