import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import { CONFIG_MAPS } from '../../../shared/kube/well-known-resources.ts';
import { StatusWriter, updateStatus } from './status-writer.ts';

const ref = { namespace: 'ns', name: 'r' };

function seeded(): { api: FakeKubeAPI; object: KubeObject } {
  const api = new FakeKubeAPI();
  api.seed(CONFIG_MAPS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...ref },
    status: { phase: 'Pending', seen: 0 },
  });
  return { api, object: api.peek(CONFIG_MAPS, ref) as KubeObject };
}

describe('updateStatus', () => {
  it('writes nothing when the computed status equals the current one, whatever the key order', async () => {
    const { api, object } = seeded();
    const outcome = await updateStatus(api, CONFIG_MAPS, object, () => ({ seen: 0, phase: 'Pending' }));
    expect(outcome.written).toBe(false);
    expect(api.writeCount()).toBe(0);
  });

  it('writes through the status subresource', async () => {
    const { api, object } = seeded();
    const outcome = await updateStatus(api, CONFIG_MAPS, object, () => ({ phase: 'Ready', seen: 0 }));
    expect(outcome.written).toBe(true);
    expect(api.calls.at(-1)).toMatchObject({ verb: 'replace', subresource: 'status' });
    expect(api.peek(CONFIG_MAPS, ref)?.status).toEqual({ phase: 'Ready', seen: 0 });
  });

  it('on conflict re-reads the object and recomputes from the fresh state', async () => {
    const { api, object } = seeded();
    await api.replace(
      CONFIG_MAPS,
      { ...object, status: { phase: 'Pending', seen: 5 } },
      { subresource: 'status' },
    );
    const outcome = await updateStatus(api, CONFIG_MAPS, object, (latest) => {
      const seen = (latest.status as { seen: number }).seen;
      return { phase: 'Ready', seen: seen + 1 };
    });
    expect(outcome.written).toBe(true);
    expect(api.peek(CONFIG_MAPS, ref)?.status).toEqual({ phase: 'Ready', seen: 6 });
  });

  it('gives up after the last attempt and rethrows the conflict', async () => {
    const { api, object } = seeded();
    for (let i = 0; i < 3; i++) api.failNext('replace', FakeKubeAPI.apiError('PUT', 409, 'Conflict'));
    await expect(
      updateStatus(api, CONFIG_MAPS, object, () => ({ phase: 'Ready' }), { maxAttempts: 3 }),
    ).rejects.toMatchObject({
      status: 409,
    });
  });
});

describe('StatusWriter', () => {
  // A 409 shows as a replace that did not take, followed by a fresh read.
  const calls = (api: FakeKubeAPI, verb: string) => api.calls.filter((c) => c.verb === verb).length;

  it('computes from its own last write while the cache still shows the version before it', async () => {
    const { api, object: cached } = seeded();
    const writer = new StatusWriter(api);
    const grow = (latest: KubeObject) => ({
      phase: 'Ready',
      seen: (latest.status as { seen: number }).seen + 1,
    });
    expect((await writer.update(CONFIG_MAPS, cached, grow)).written).toBe(true);
    // The watch has not delivered the write: the reconcile sees `cached` again.
    expect((await writer.update(CONFIG_MAPS, cached, () => ({ phase: 'Ready', seen: 1 }))).written).toBe(
      false,
    );
    expect((await writer.update(CONFIG_MAPS, cached, grow)).written).toBe(true);
    expect(api.peek(CONFIG_MAPS, ref)?.status).toEqual({ phase: 'Ready', seen: 2 });
    expect(calls(api, 'replace')).toBe(2);
    expect(calls(api, 'get')).toBe(0);
  });

  it('uses the cache again once it shows a version it has not superseded', async () => {
    const { api, object: cached } = seeded();
    const writer = new StatusWriter(api);
    await writer.update(CONFIG_MAPS, cached, () => ({ phase: 'Ready', seen: 0 }));
    const theirs = await api.replace(
      CONFIG_MAPS,
      { ...(api.peek(CONFIG_MAPS, ref) as KubeObject), status: { phase: 'Failed', seen: 9 } },
      { subresource: 'status' },
    );
    const outcome = await writer.update(CONFIG_MAPS, theirs, (latest) => latest.status);
    expect(outcome.written).toBe(false);
    expect(outcome.object.status).toEqual({ phase: 'Failed', seen: 9 });
    expect(writer.size).toBe(0);
  });

  it('remembers a bounded number of objects', async () => {
    const api = new FakeKubeAPI();
    const writer = new StatusWriter(api, 2);
    for (const name of ['a', 'b', 'c']) {
      api.seed(CONFIG_MAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'ns', name } });
      const object = api.peek(CONFIG_MAPS, { namespace: 'ns', name }) as KubeObject;
      await writer.update(CONFIG_MAPS, object, () => ({ phase: 'Ready' }));
    }
    expect(writer.size).toBe(2);
  });

  it('remembers its write without managedFields, so it holds no more than the cache would', async () => {
    const { api, object: cached } = seeded();
    const replace = api.replace.bind(api);
    const bodies: KubeObject[] = [];
    api.replace = (async (resource, object, opts) => {
      bodies.push(object);
      const written = await replace(resource, object, opts);
      return { ...written, metadata: { ...written.metadata, managedFields: [{ manager: 'operator' }] } };
    }) as FakeKubeAPI['replace'];
    const writer = new StatusWriter(api);
    await writer.update(CONFIG_MAPS, cached, () => ({ phase: 'Ready', seen: 1 }));
    await writer.update(CONFIG_MAPS, cached, () => ({ phase: 'Ready', seen: 2 }));
    expect(bodies).toHaveLength(2);
    expect(bodies[1]?.metadata.managedFields).toBeUndefined();
  });
});
