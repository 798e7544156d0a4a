import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../shared/api/meta.ts';
import { FakeKubeApi } from '../../../shared/kube/testing/fake-kube-api.ts';
import { CONFIG_MAPS } from '../../../shared/kube/well-known-resources.ts';
import { updateStatus } from './status-writer.ts';

const ref = { namespace: 'ns', name: 'r' };

function seeded(): { api: FakeKubeApi; object: KubeObject } {
  const api = new FakeKubeApi();
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
    for (let i = 0; i < 3; i++) api.failNext('replace', FakeKubeApi.apiError('PUT', 409, 'Conflict'));
    await expect(
      updateStatus(api, CONFIG_MAPS, object, () => ({ phase: 'Ready' }), { maxAttempts: 3 }),
    ).rejects.toMatchObject({
      status: 409,
    });
  });
});
