// The informer against a real API server: paginated list, then a label-selected watch that sees adds,
// updates and deletes (including an object leaving the selector), and the typed errors of the client.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { APIError, isConflict, isNotFound } from '../../shared/kube/api-error.ts';
import { CONFIG_MAPS } from '../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { InformerCache } from '../../controller/runtime/cache/informer-cache.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { waitFor } from '../setup/cluster-env.ts';
import { clusterAPI, configMap, createNamespace, deleteNamespace } from './support/cluster-api.ts';

// Each test waits on a real API server (and on lease expiry); jest's 5 s default is too short.
const TEST_TIMEOUT_MS = 60_000;

const LABEL = { 'e2e.example.com/suite': 'informer' };
const api = clusterAPI();
let namespace = '';
const stop = new AbortController();

beforeAll(async () => {
  namespace = await createNamespace(api, 'crt-informer');
});

afterAll(async () => {
  stop.abort();
  await deleteNamespace(api, namespace);
});

describe('informer on a real API server', () => {
  const events: string[] = [];
  const cache = new InformerCache({ api, clock: systemClock, logger: silentLogger, tuning: { pageSize: 2 } });

  test(
    'lists in pages, then follows adds, updates and deletes of the selected objects only',
    async () => {
      for (const name of ['a', 'b', 'c', 'd', 'e'])
        await api.create(CONFIG_MAPS, configMap(namespace, name, LABEL));
      await api.create(CONFIG_MAPS, configMap(namespace, 'unlabelled'));
      const informer = cache.informer(CONFIG_MAPS, {
        selector: { namespace, labelSelector: 'e2e.example.com/suite=informer' },
      });
      informer.addEventHandler({
        onAdd: (o: KubeObject) => events.push(`add ${o.metadata.name}`),
        onUpdate: (_p: KubeObject, o: KubeObject) => events.push(`update ${o.metadata.name}`),
        onDelete: (o: KubeObject) => events.push(`delete ${o.metadata.name}`),
      });
      cache.start(stop.signal);
      expect(await cache.waitForSync(stop.signal)).toBe(true);
      expect([...informer.store.keys()].sort()).toEqual(
        ['a', 'b', 'c', 'd', 'e'].map((n) => `${namespace}/${n}`),
      );
      expect(cache.readiness()).toEqual({ ok: true });
      events.length = 0;

      await api.create(CONFIG_MAPS, configMap(namespace, 'f', LABEL, { k: 'v1' }));
      await api.patch(CONFIG_MAPS, { namespace, name: 'f' }, 'merge', { data: { k: 'v2' } });
      await api.delete(CONFIG_MAPS, { namespace, name: 'a' });
      await api.create(CONFIG_MAPS, configMap(namespace, 'unlabelled-2'));
      await api.patch(CONFIG_MAPS, { namespace, name: 'b' }, 'merge', {
        metadata: { labels: { 'e2e.example.com/suite': null } },
      });

      await waitFor(() => events.length >= 4, { description: 'four watch events', timeoutMs: 15_000 });
      expect(events).toEqual(['add f', 'update f', 'delete a', 'delete b']);
      expect(informer.store.get({ namespace, name: 'f' })?.data).toEqual({ k: 'v2' });
      expect(informer.store.get({ namespace, name: 'unlabelled-2' })).toBeUndefined();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'reports failures as typed errors carrying the Status reason',
    async () => {
      const missing = await api
        .get(CONFIG_MAPS, { namespace, name: 'does-not-exist' })
        .catch((e: unknown) => e);
      expect(isNotFound(missing)).toBe(true);
      expect(missing).toMatchObject({
        verb: 'GET',
        reason: 'NotFound',
        path: `/api/v1/namespaces/${namespace}/configmaps/does-not-exist`,
      });

      const current = await api.get(CONFIG_MAPS, { namespace, name: 'c' });
      await api.patch(CONFIG_MAPS, { namespace, name: 'c' }, 'merge', { data: { changed: 'yes' } });
      const stale = await api.replace(CONFIG_MAPS, current).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(APIError);
      expect(isConflict(stale)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});
