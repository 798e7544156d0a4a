import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import { CONFIG_MAPS } from '../../../shared/kube/well-known-resources.ts';
import { ServerSideApplier } from './server-side-applier.ts';

const FIELD_MANAGER = 'ai-gateway-operator';
const HASH_ANNOTATION = 'example.com/applied-hash';

function desired(data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'routes', namespace: 'ns', labels: { app: 'gw' } },
    data,
  };
}

describe('ServerSideApplier', () => {
  it('applies when nothing is cached, then sends nothing while the cache matches', async () => {
    const api = new FakeKubeAPI();
    const applier = new ServerSideApplier({
      api,
      fieldManager: FIELD_MANAGER,
      hashAnnotation: HASH_ANNOTATION,
    });
    const first = await applier.apply(CONFIG_MAPS, desired({ a: '1' }), undefined);
    expect(first.applied).toBe(true);
    expect(api.calls.at(-1)).toMatchObject({ verb: 'apply', namespace: 'ns', name: 'routes' });

    const cached = api.peek(CONFIG_MAPS, { namespace: 'ns', name: 'routes' });
    const writes = api.writeCount();
    for (let i = 0; i < 10; i++) {
      expect((await applier.apply(CONFIG_MAPS, desired({ a: '1' }), cached)).applied).toBe(false);
    }
    expect(api.writeCount()).toBe(writes);
  });

  it('applies again when the desired state or the live object drifts', async () => {
    const api = new FakeKubeAPI();
    const applier = new ServerSideApplier({
      api,
      fieldManager: FIELD_MANAGER,
      hashAnnotation: HASH_ANNOTATION,
    });
    await applier.apply(CONFIG_MAPS, desired({ a: '1' }), undefined);
    const cached = api.peek(CONFIG_MAPS, { namespace: 'ns', name: 'routes' });
    expect((await applier.apply(CONFIG_MAPS, desired({ a: '2' }), cached)).applied).toBe(true);

    const edited = { ...structuredClone(cached), data: { a: 'edited by hand' } } as KubeObject;
    expect((await applier.apply(CONFIG_MAPS, desired({ a: '1' }), edited)).applied).toBe(true);
  });
});
