// The watch against a real API server, reached through a proxy the test sabotages: a cut connection, an
// unreachable server, a half-open connection that delivers nothing, and the server ending the stream
// on its own timeout. Changes made meanwhile (directly, not through the proxy) must all arrive.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { CONFIG_MAPS } from '../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { Informer } from '../../controller/runtime/cache/informer.ts';
import type { ReflectorTuning } from '../../controller/runtime/cache/informer.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { waitFor } from '../setup/cluster-env.ts';
import { CountingAPI } from './support/counting-api.ts';
import {
  clusterAPI,
  configMap,
  createNamespace,
  deleteNamespace,
  startAPIServerProxy,
} from './support/cluster-api.ts';
import type { TCPProxy } from './support/tcp-proxy.ts';

// Each test waits on a real API server (reconnects, its own watch timeout); jest's 5 s default is too short.
const TEST_TIMEOUT_MS = 60_000;

const LABEL = { 'e2e.example.com/suite': 'watch-recovery' };
const SELECTOR = 'e2e.example.com/suite=watch-recovery';
const direct = clusterAPI();
let namespace = '';
let proxy: TCPProxy;
const stops: AbortController[] = [];

beforeAll(async () => {
  namespace = await createNamespace(direct, 'crt-watch');
  proxy = await startAPIServerProxy();
});

afterAll(async () => {
  for (const s of stops) s.abort();
  await proxy.close();
  await deleteNamespace(direct, namespace);
});

function startInformer(tuning: ReflectorTuning) {
  const counting = new CountingAPI(clusterAPI(proxy.port));
  const informer = new Informer({
    api: counting.api,
    resource: CONFIG_MAPS,
    selector: { namespace, labelSelector: SELECTOR },
    clock: systemClock,
    logger: silentLogger,
    tuning: { backoff: { initialMs: 200, maxMs: 1000 }, ...tuning },
  });
  const events: string[] = [];
  informer.addEventHandler({
    onAdd: (o: KubeObject) => events.push(`add ${o.metadata.name}`),
    onUpdate: (_p: KubeObject, o: KubeObject) => events.push(`update ${o.metadata.name}`),
    onDelete: (o: KubeObject) => events.push(`delete ${o.metadata.name}`),
  });
  const stop = new AbortController();
  stops.push(stop);
  void informer.start(stop.signal);
  return { informer, counting, events, stop };
}

describe('watch recovery on a real API server', () => {
  test(
    'a cut watch, with the server unreachable for a while, reconnects and catches up',
    async () => {
      await direct.create(CONFIG_MAPS, configMap(namespace, 'kept', LABEL, { v: '1' }));
      await direct.create(CONFIG_MAPS, configMap(namespace, 'doomed', LABEL));
      const { informer, counting, events, stop } = startInformer({});
      expect(await informer.waitForSync(stop.signal)).toBe(true);
      events.length = 0;

      proxy.refuseNew(true);
      proxy.cutAll();
      await direct.create(CONFIG_MAPS, configMap(namespace, 'born-while-cut', LABEL));
      await direct.patch(CONFIG_MAPS, { namespace, name: 'kept' }, 'merge', { data: { v: '2' } });
      await direct.delete(CONFIG_MAPS, { namespace, name: 'doomed' });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(events).toEqual([]);
      proxy.refuseNew(false);

      await waitFor(() => events.length >= 3, { description: 'the missed changes', timeoutMs: 15_000 });
      expect(events.sort()).toEqual(['add born-while-cut', 'delete doomed', 'update kept']);
      expect(informer.store.get({ namespace, name: 'kept' })?.data).toEqual({ v: '2' });
      expect(counting.count('watch')).toBeGreaterThanOrEqual(2);
      expect(informer.health()).toMatchObject({ healthy: true, synced: true });
      stop.abort();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a half-open connection that delivers nothing is detected by inactivity and replaced',
    async () => {
      const { informer, counting, events, stop } = startInformer({ inactivityTimeoutMs: 3000 });
      expect(await informer.waitForSync(stop.signal)).toBe(true);
      await waitFor(() => informer.health().watching, {
        description: 'the watch to be open',
        timeoutMs: 10_000,
      });
      const watchesBefore = counting.count('watch');
      proxy.freezeAll();
      const frozenAt = Date.now();
      await direct.create(CONFIG_MAPS, configMap(namespace, 'behind-frozen-stream', LABEL));
      await waitFor(() => events.includes('add behind-frozen-stream'), {
        description: 'the add behind the frozen stream',
        timeoutMs: 15_000,
      });
      // Nothing crosses a frozen connection: the add can only come through a replacement watch.
      expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(1_500);
      expect(counting.count('watch')).toBeGreaterThan(watchesBefore);
      stop.abort();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'when the server ends a watch on its timeout, the next one resumes without a relist',
    async () => {
      const { informer, counting, events, stop } = startInformer({ minWatchTimeoutSeconds: 1 });
      expect(await informer.waitForSync(stop.signal)).toBe(true);
      await waitFor(() => counting.count('watch') >= 3, {
        description: 'two server-side watch timeouts',
        timeoutMs: 15_000,
      });
      await direct.create(CONFIG_MAPS, configMap(namespace, 'after-timeouts', LABEL));
      await waitFor(() => events.includes('add after-timeouts'), {
        description: 'the add',
        timeoutMs: 10_000,
      });
      expect(counting.count('list')).toBe(1);
      stop.abort();
    },
    TEST_TIMEOUT_MS,
  );
});
