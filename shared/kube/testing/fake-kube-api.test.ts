import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../meta-v1-types.ts';
import { isGone } from '../api-error.ts';
import type { WatchEvent } from '../kube-api.ts';
import { CONFIG_MAPS } from '../well-known-resources.ts';
import { FakeKubeAPI } from './fake-kube-api.ts';

function configMap(
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', labels }, data };
}

async function take(stream: AsyncIterable<WatchEvent>, count: number): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length === count) break;
  }
  return events;
}

const watchOptions = (resourceVersion: string, labelSelector?: string) => ({
  resourceVersion,
  timeoutSeconds: 60,
  allowWatchBookmarks: true,
  signal: new AbortController().signal,
  ...(labelSelector ? { labelSelector } : {}),
});

describe('FakeKubeAPI', () => {
  it('pages a list and resumes a watch from the list resourceVersion', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'), configMap('b'), configMap('c'));
    const first = await api.list(CONFIG_MAPS, { limit: 2 });
    const second = await api.list(CONFIG_MAPS, { limit: 2, continueToken: first.continueToken ?? '' });
    expect([...first.items, ...second.items].map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(second.continueToken).toBeUndefined();

    await api.create(CONFIG_MAPS, configMap('d'));
    const events = await take(api.watch(CONFIG_MAPS, watchOptions(first.resourceVersion)), 1);
    expect(events).toMatchObject([{ type: 'ADDED', object: { metadata: { name: 'd' } } }]);
  });

  it('turns leaving a label selector into DELETED for a filtered watch', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a', { app: 'x' }));
    const from = api.resourceVersion;
    await api.patch(CONFIG_MAPS, { namespace: 'ns', name: 'a' }, 'merge', {
      metadata: { labels: { app: null } },
    });
    const events = await take(api.watch(CONFIG_MAPS, watchOptions(from, 'app=x')), 1);
    expect(events.map((e) => e.type)).toEqual(['DELETED']);
  });

  it('answers 410 to a watch from before compaction', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'));
    const old = api.resourceVersion;
    await api.patch(CONFIG_MAPS, { namespace: 'ns', name: 'a' }, 'merge', { data: { k: 'v' } });
    api.compact();
    const failure = await take(api.watch(CONFIG_MAPS, watchOptions(old)), 1).catch((err: unknown) => err);
    expect(isGone(failure)).toBe(true);
  });

  it('keeps the resourceVersion when a write changes nothing', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a', {}, { k: 'v' }));
    const before = api.resourceVersion;
    await api.apply(CONFIG_MAPS, configMap('a', {}, { k: 'v' }), { fieldManager: 'm', force: true });
    expect(api.resourceVersion).toBe(before);
    expect(api.writeCount(CONFIG_MAPS)).toBe(1);
  });

  it('rejects a replace with a stale resourceVersion', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'));
    const stale = { ...configMap('a'), metadata: { ...configMap('a').metadata, resourceVersion: '1' } };
    await expect(api.replace(CONFIG_MAPS, stale)).rejects.toMatchObject({ status: 409, reason: 'Conflict' });
  });
});
