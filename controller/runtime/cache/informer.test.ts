import { afterEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { APIConnectionError } from '../../../shared/kube/api-error.ts';
import { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import { CONFIG_MAPS } from '../../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../../shared/logging/logger.ts';
import { FakeClock } from '../../../shared/time/testing/fake-clock.ts';
import { Informer } from './informer.ts';
import { InformerCache } from './informer-cache.ts';
import { OWNER_UID_INDEX } from './object-store.ts';

function configMap(
  name: string,
  data: Record<string, string> = {},
  extra: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns', labels: { app: 'x' }, ...extra },
    data,
  };
}

const ref = (name: string) => ({ namespace: 'ns', name });

function recorder() {
  const events: string[] = [];
  return {
    events,
    handler: {
      onAdd: (o: KubeObject) => events.push(`add ${o.metadata.name}`),
      onUpdate: (_p: KubeObject, o: KubeObject) => events.push(`update ${o.metadata.name}`),
      onDelete: (o: KubeObject) => events.push(`delete ${o.metadata.name}`),
    },
  };
}

const stops: AbortController[] = [];
afterEach(() => {
  for (const c of stops.splice(0)) c.abort();
});

function startInformer(api: FakeKubeAPI, clock = new FakeClock()) {
  const informer = new Informer({
    api,
    resource: CONFIG_MAPS,
    selector: { labelSelector: 'app=x' },
    clock,
    logger: silentLogger,
    tuning: { random: () => 0 },
  });
  const controller = new AbortController();
  stops.push(controller);
  return { informer, clock, start: () => informer.start(controller.signal) };
}

describe('Informer', () => {
  it('caches the collection and tells handlers about adds, updates and deletes', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'));
    const { informer, clock, start } = startInformer(api);
    const { events, handler } = recorder();
    informer.addEventHandler(handler);
    void start();
    await clock.advance(0);
    await api.create(CONFIG_MAPS, configMap('b'));
    await api.patch(CONFIG_MAPS, ref('a'), 'merge', { data: { k: 'v' } });
    await api.delete(CONFIG_MAPS, ref('b'));
    await clock.advance(0);
    expect(events).toEqual(['add a', 'add b', 'update a', 'delete b']);
    expect(informer.store.get(ref('a'))?.data).toEqual({ k: 'v' });
    expect(informer.store.size).toBe(1);
  });

  it('after a relist, reports deletes for objects that vanished and updates for changed ones', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('kept'), configMap('changed'), configMap('vanished'));
    const { informer, clock, start } = startInformer(api);
    const { events, handler } = recorder();
    informer.addEventHandler(handler);
    void start();
    await clock.advance(0);
    events.length = 0;

    api.breakWatches(new APIConnectionError('GET', '/api/v1/configmaps', new Error('ECONNRESET')));
    await clock.advance(0);
    await api.delete(CONFIG_MAPS, ref('vanished'));
    await api.patch(CONFIG_MAPS, ref('changed'), 'merge', { data: { k: 'v2' } });
    api.compact();
    await clock.advance(800);
    await clock.advance(1600);
    expect(events.sort()).toEqual(['delete vanished', 'update changed']);
  });

  it('replays existing objects to a handler registered after sync', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'), configMap('b'));
    const { informer, clock, start } = startInformer(api);
    void start();
    await clock.advance(0);
    const { events, handler } = recorder();
    informer.addEventHandler(handler);
    expect(events.sort()).toEqual(['add a', 'add b']);
  });

  it('keeps following the API server when a handler throws', async () => {
    const api = new FakeKubeAPI();
    const { informer, clock, start } = startInformer(api);
    const { events, handler } = recorder();
    informer.addEventHandler({
      onAdd: () => {
        throw new Error('handler bug');
      },
    });
    informer.addEventHandler(handler);
    void start();
    await clock.advance(0);
    await api.create(CONFIG_MAPS, configMap('a'));
    await api.create(CONFIG_MAPS, configMap('b'));
    await clock.advance(0);
    expect(events).toEqual(['add a', 'add b']);
  });

  it("drops managedFields and kubectl's last-applied copy from cached objects, listed or watched", async () => {
    const api = new FakeKubeAPI();
    const heavy = {
      managedFields: [{ manager: 'kubectl', fieldsV1: {} }],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":"copy"}', keep: 'me' },
    };
    api.seed(CONFIG_MAPS, configMap('a', {}, heavy));
    const { informer, clock, start } = startInformer(api);
    void start();
    await clock.advance(0);
    await api.create(CONFIG_MAPS, configMap('b', {}, heavy));
    await clock.advance(0);
    for (const name of ['a', 'b']) {
      const cached = informer.store.get(ref(name));
      expect(cached?.metadata.managedFields).toBeUndefined();
      expect(cached?.metadata.annotations).toEqual({ keep: 'me' });
    }
  });

  it('finds children by owner UID through the built-in index', async () => {
    const api = new FakeKubeAPI();
    const owner = {
      apiVersion: 'gateway.example.com/v1',
      kind: 'APIGatewayRoute',
      name: 'r',
      uid: 'uid-r',
      controller: true,
    };
    api.seed(CONFIG_MAPS, configMap('child', {}, { ownerReferences: [owner] }), configMap('stranger'));
    const { informer, clock, start } = startInformer(api);
    void start();
    await clock.advance(0);
    expect(informer.store.byIndex(OWNER_UID_INDEX, 'uid-r').map((o) => o.metadata.name)).toEqual(['child']);
  });

  it('resolves waitForSync after the first list, or false when given up', async () => {
    const api = new FakeKubeAPI();
    api.failNext('list', FakeKubeAPI.apiError('GET', 500, 'InternalError'));
    const { informer, clock, start } = startInformer(api);
    const giveUp = new AbortController();
    const abandoned = informer.waitForSync(giveUp.signal);
    const synced = informer.waitForSync(new AbortController().signal);
    void start();
    giveUp.abort();
    expect(await abandoned).toBe(false);
    await clock.advance(800);
    expect(await synced).toBe(true);
  });
});

describe('InformerCache', () => {
  it('shares one informer per resource and selector and reports readiness across all of them', async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock();
    const cache = new InformerCache({ api, clock, logger: silentLogger, tuning: { random: () => 0 } });
    const first = cache.informer(CONFIG_MAPS, { selector: { labelSelector: 'app=x' } });
    expect(cache.informer(CONFIG_MAPS, { selector: { labelSelector: 'app=x' } })).toBe(first);
    expect(cache.informer(CONFIG_MAPS)).not.toBe(first);
    expect(cache.readiness()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/configmaps labels=app=x: not synced/),
    });

    const controller = new AbortController();
    stops.push(controller);
    cache.start(controller.signal);
    const late = cache.informer(CONFIG_MAPS, { selector: { namespace: 'ns' } });
    await clock.advance(0);
    expect(late.hasSynced).toBe(true);
    expect(await cache.waitForSync(controller.signal)).toBe(true);
    expect(cache.readiness()).toEqual({ ok: true });

    controller.abort();
    await cache.stopped();
    expect(api.openWatches).toBe(0);
  });
});
