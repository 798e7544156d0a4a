import { afterEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { APIConnectionError } from '../../../shared/kube/api-error.ts';
import { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import { CONFIG_MAPS } from '../../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../../shared/logging/logger.ts';
import { FakeClock } from '../../../shared/time/testing/fake-clock.ts';
import { Reflector } from './reflector.ts';
import type { ReflectorOptions, ReflectorSink } from './reflector.ts';

type SinkCall = { op: 'replace'; names: string[] } | { op: 'upsert' | 'remove'; name: string; rv: string };

class RecordingSink implements ReflectorSink<KubeObject> {
  readonly calls: SinkCall[] = [];
  replace(objects: KubeObject[]): void {
    this.calls.push({ op: 'replace', names: objects.map((o) => o.metadata.name ?? '').sort() });
  }
  upsert(object: KubeObject): void {
    this.calls.push({
      op: 'upsert',
      name: object.metadata.name ?? '',
      rv: object.metadata.resourceVersion ?? '',
    });
  }
  remove(object: KubeObject): void {
    this.calls.push({
      op: 'remove',
      name: object.metadata.name ?? '',
      rv: object.metadata.resourceVersion ?? '',
    });
  }
}

function configMap(name: string, data: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns', labels: { app: 'x' } },
    data,
  };
}

const ref = (name: string) => ({ namespace: 'ns', name });

interface Harness {
  api: FakeKubeAPI;
  clock: FakeClock;
  sink: RecordingSink;
  reflector: Reflector<KubeObject>;
  stop: () => Promise<void>;
}

let running: Harness | undefined;

async function start(
  api = new FakeKubeAPI(),
  overrides: Partial<ReflectorOptions<KubeObject>> = {},
): Promise<Harness> {
  const clock = new FakeClock();
  const sink = new RecordingSink();
  const reflector = new Reflector<KubeObject>({
    api,
    resource: CONFIG_MAPS,
    selector: { labelSelector: 'app=x' },
    sink,
    clock,
    logger: silentLogger,
    random: () => 0,
    ...overrides,
  });
  const controller = new AbortController();
  const done = reflector.run(controller.signal);
  await clock.advance(0);
  running = {
    api,
    clock,
    sink,
    reflector,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
  return running;
}

function watchCalls(api: FakeKubeAPI): number {
  return api.calls.filter((c) => c.verb === 'watch').length;
}

function listCalls(api: FakeKubeAPI): number {
  return api.calls.filter((c) => c.verb === 'list').length;
}

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('Reflector', () => {
  it('lists in pages, reports synced, then streams changes from the list resourceVersion', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'), configMap('b'), configMap('c'));
    const { sink, reflector } = await start(api, { pageSize: 2 });
    expect(listCalls(api)).toBe(2);
    expect(reflector.hasSynced).toBe(true);
    expect(sink.calls).toEqual([{ op: 'replace', names: ['a', 'b', 'c'] }]);

    await api.create(CONFIG_MAPS, configMap('d'));
    await api.delete(CONFIG_MAPS, ref('a'));
    await running?.clock.advance(0);
    expect(sink.calls.slice(1).map((c) => [c.op, 'name' in c ? c.name : ''])).toEqual([
      ['upsert', 'd'],
      ['remove', 'a'],
    ]);
    expect(reflector.lastSyncResourceVersion).toBe(api.resourceVersion);
  });

  it('advances its resourceVersion on a bookmark without touching the sink', async () => {
    const { api, sink, reflector, clock } = await start();
    await api.create(CONFIG_MAPS, { ...configMap('other'), metadata: { name: 'other', namespace: 'ns' } });
    api.sendBookmark();
    await clock.advance(0);
    expect(reflector.lastSyncResourceVersion).toBe(api.resourceVersion);
    expect(sink.calls).toHaveLength(1);
  });

  it('relists at once after a 410 ERROR event and hands the sink the fresh content', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'), configMap('b'));
    const { sink, clock } = await start(api);
    api.sendWatchError(410, 'Expired', 'too old resource version');
    await api.delete(CONFIG_MAPS, ref('a'));
    await clock.advance(0);
    expect(listCalls(api)).toBe(2);
    expect(sink.calls.filter((c) => c.op === 'replace')).toEqual([
      { op: 'replace', names: ['a', 'b'] },
      { op: 'replace', names: ['b'] },
    ]);
  });

  it('relists when the watch itself answers HTTP 410 after compaction', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'));
    const { sink, clock } = await start(api);
    api.breakWatches(new APIConnectionError('GET', '/api/v1/configmaps', new Error('socket hang up')));
    await clock.advance(0);
    await api.patch(CONFIG_MAPS, ref('a'), 'merge', { data: { k: 'changed' } });
    await api.create(CONFIG_MAPS, configMap('b'));
    api.compact();
    await clock.advance(800);
    await clock.advance(1600);
    expect(sink.calls.filter((c) => c.op === 'replace').at(-1)).toEqual({ op: 'replace', names: ['a', 'b'] });
    expect(listCalls(api)).toBe(2);
  });

  it('resumes a dropped stream from the last resourceVersion without relisting, after a backoff', async () => {
    const { api, sink, clock } = await start();
    api.breakWatches(new APIConnectionError('GET', '/api/v1/configmaps', new Error('ECONNRESET')));
    await clock.advance(0);
    await api.create(CONFIG_MAPS, configMap('missed-while-down'));
    await clock.advance(799);
    expect(watchCalls(api)).toBe(1);
    await clock.advance(1);
    expect(watchCalls(api)).toBe(2);
    expect(listCalls(api)).toBe(1);
    expect(sink.calls.at(-1)).toMatchObject({ op: 'upsert', name: 'missed-while-down' });
  });

  it('watches again at once when the server ends the stream on its timeout', async () => {
    const { api, clock } = await start();
    for (let i = 0; i < 5; i++) {
      await clock.advance(60_000);
      api.sendBookmark();
    }
    api.closeWatches();
    await clock.advance(0);
    expect(watchCalls(api)).toBe(2);
    expect(clock.pendingTimers).toBe(1);
  });

  it('treats a stream that closes at once with nothing in it as a failure, so it cannot spin', async () => {
    const { api, clock } = await start();
    api.closeWatches();
    await clock.advance(0);
    expect(watchCalls(api)).toBe(1);
    await clock.advance(800);
    expect(watchCalls(api)).toBe(2);
  });

  it('reconnects a stream that went silent past the inactivity timeout', async () => {
    const { api, clock, reflector } = await start(new FakeKubeAPI(), { inactivityTimeoutMs: 60_000 });
    await clock.advance(59_999);
    expect(watchCalls(api)).toBe(1);
    await clock.advance(1);
    expect(watchCalls(api)).toBe(2);
    expect(api.openWatches).toBe(1);
    expect(reflector.health().healthy).toBe(true);
  });

  it('abandons a watch request that never gets an answer and retries it with backoff', async () => {
    const api = new FakeKubeAPI();
    const hanging = (opts: { signal: AbortSignal }) => ({
      [Symbol.asyncIterator]: () => ({
        next: () =>
          new Promise<IteratorResult<never>>((_resolve, reject) =>
            opts.signal.addEventListener('abort', () => reject(opts.signal.reason)),
          ),
      }),
    });
    let attempts = 0;
    api.watch = ((_resource: unknown, opts: { signal: AbortSignal }) => {
      attempts++;
      return hanging(opts);
    }) as FakeKubeAPI['watch'];
    const { clock, reflector } = await start(api, { inactivityTimeoutMs: 20_000 });
    await clock.advance(20_000);
    expect(attempts).toBe(1);
    await clock.advance(800);
    expect(attempts).toBe(2);
    expect(reflector.health().lastError).toMatch(/silent for 20000 ms/);
  });

  it('counts silence as activity only from the last event', async () => {
    const { api, clock } = await start(new FakeKubeAPI(), { inactivityTimeoutMs: 60_000 });
    await clock.advance(50_000);
    api.sendBookmark();
    await clock.advance(50_000);
    expect(watchCalls(api)).toBe(1);
    await clock.advance(10_000);
    expect(watchCalls(api)).toBe(2);
  });

  it('rewatches from the same resourceVersion after a non-410 ERROR event', async () => {
    const { api, clock, reflector } = await start();
    const before = reflector.lastSyncResourceVersion;
    api.sendWatchError(500, 'InternalError', 'etcd leader changed');
    await clock.advance(800);
    expect(watchCalls(api)).toBe(2);
    expect(listCalls(api)).toBe(1);
    expect(reflector.lastSyncResourceVersion).toBe(before);
  });

  it('reads a resource that is not served as empty and synced, lists again, and empties when it goes', async () => {
    const api = new FakeKubeAPI();
    const notFound = () =>
      FakeKubeAPI.apiError('GET', 404, 'NotFound', 'the server could not find the requested resource');
    api.failNext('list', notFound());
    api.failNext('list', notFound());
    const { sink, clock, reflector } = await start(api, { absentRetryMs: 30_000 });
    expect(reflector.hasSynced).toBe(true);
    expect(reflector.health()).toEqual({ healthy: true, synced: true, watching: false });
    expect(sink.calls).toEqual([{ op: 'replace', names: [] }]);
    expect(watchCalls(api)).toBe(0);

    await clock.advance(29_999);
    expect(listCalls(api)).toBe(1);
    await clock.advance(1);
    expect(listCalls(api)).toBe(2);
    expect(sink.calls).toEqual([
      { op: 'replace', names: [] },
      { op: 'replace', names: [] },
    ]);

    // The CRD is installed: the next list finds the objects, and the watch follows them.
    api.seed(CONFIG_MAPS, configMap('grant'));
    await clock.advance(30_000);
    expect(sink.calls.at(-1)).toEqual({ op: 'replace', names: ['grant'] });
    expect(api.openWatches).toBe(1);

    // It is removed: the watch and the list answer 404, and the sink learns that everything went.
    api.failNext('list', notFound());
    api.breakWatches(notFound());
    await clock.advance(0);
    expect(sink.calls.at(-1)).toEqual({ op: 'replace', names: [] });
    expect(reflector.health().healthy).toBe(true);
  });

  it('treats a 404 as a failure for a resource that must be served', async () => {
    const api = new FakeKubeAPI();
    api.failNext('list', FakeKubeAPI.apiError('GET', 404, 'NotFound'));
    const { sink, reflector, clock } = await start(api);
    expect(reflector.hasSynced).toBe(false);
    expect(sink.calls).toEqual([]);
    await clock.advance(800);
    expect(reflector.hasSynced).toBe(true);
  });

  it('keeps retrying a failing list with growing delays and reports unhealthy, then recovers', async () => {
    const api = new FakeKubeAPI();
    for (let i = 0; i < 8; i++) api.failNext('list', FakeKubeAPI.apiError('GET', 503, 'ServiceUnavailable'));
    const { clock, reflector } = await start(api);
    expect(reflector.hasSynced).toBe(false);
    for (const delay of [800, 1600, 3200, 6400, 12_800]) await clock.advance(delay);
    expect(reflector.health().healthy).toBe(true);
    await clock.advance(25_600);
    expect(listCalls(api)).toBe(7);
    expect(reflector.health()).toMatchObject({
      healthy: false,
      synced: false,
      lastError: expect.stringMatching(/503/),
    });
    await clock.advance(30_000);
    expect(listCalls(api)).toBe(8);
    await clock.advance(30_000);
    expect(reflector.hasSynced).toBe(true);
    expect(reflector.health()).toEqual({ healthy: true, synced: true, watching: true });
  });

  it('keeps running when something throws a value that is not an Error, even one with no text form', async () => {
    const noText = Object.create(null) as { toJSON?: () => never };
    noText.toJSON = () => {
      throw new Error('no JSON either');
    };
    const thrown: unknown[] = [undefined, noText, 'plain'];
    class ThrowingSink extends RecordingSink {
      override replace(objects: KubeObject[]): void {
        if (thrown.length > 0) throw thrown.shift();
        super.replace(objects);
      }
    }
    const sink = new ThrowingSink();
    const { api, clock, reflector } = await start(new FakeKubeAPI(), { sink });
    expect(reflector.health().lastError).toBe('undefined');
    await clock.advance(800);
    expect(reflector.health().lastError).toBe('[object Object]');
    await clock.advance(1600);
    expect(reflector.health().lastError).toBe('plain');
    await clock.advance(3200);
    expect(listCalls(api)).toBe(4);
    expect(reflector.hasSynced).toBe(true);
    expect(sink.calls).toEqual([{ op: 'replace', names: [] }]);
  });

  it('reports unhealthy when the watch keeps failing past its backoff even though it had synced', async () => {
    const { api, clock, reflector } = await start();
    for (let i = 0; i < 10; i++)
      api.failNext('watch', new APIConnectionError('GET', '/x', new Error('ECONNREFUSED')));
    api.breakWatches(new APIConnectionError('GET', '/x', new Error('ECONNRESET')));
    await clock.advance(30_000);
    expect(reflector.health().healthy).toBe(true);
    await clock.advance(5_000);
    expect(reflector.health()).toMatchObject({ healthy: false, synced: true });
  });

  it('relists at once on the 410 that ends an outage, whatever backoff the outage built up', async () => {
    const api = new FakeKubeAPI();
    api.seed(CONFIG_MAPS, configMap('a'));
    const { sink, clock } = await start(api);
    await api.create(CONFIG_MAPS, configMap('b'));
    api.breakWatches(new APIConnectionError('GET', '/api/v1/configmaps', new Error('aborted')));
    for (let i = 0; i < 3; i++) api.failNext('watch', FakeKubeAPI.apiError('GET', 503, 'ServiceUnavailable'));
    await clock.advance(0);
    await api.create(CONFIG_MAPS, configMap('c'));
    api.compact();
    // 0.8 s after the drop, then 1.6, 3.2 and 6.4 s after each 503; the last attempt meets a 410.
    await clock.advance(800 + 1600 + 3200 + 6400);
    expect(watchCalls(api)).toBe(6);
    expect(listCalls(api)).toBe(2);
    expect(sink.calls.at(-1)).toEqual({ op: 'replace', names: ['a', 'b', 'c'] });
  });

  it('backs off a 410 that comes again straight after its relist, more each time though lists succeed', async () => {
    const api = new FakeKubeAPI();
    for (let i = 0; i < 4; i++) api.failNext('watch', FakeKubeAPI.apiError('GET', 410, 'Expired'));
    const { clock } = await start(api);
    expect(listCalls(api)).toBe(2);
    await clock.advance(799);
    expect(listCalls(api)).toBe(2);
    await clock.advance(1);
    expect(listCalls(api)).toBe(3);
    await clock.advance(1599);
    expect(listCalls(api)).toBe(3);
    await clock.advance(1);
    expect(listCalls(api)).toBe(4);
    await clock.advance(3200);
    expect(listCalls(api)).toBe(5);
    expect(api.openWatches).toBe(1);
  });

  it('retries a refused connection every second however long the server is away, then relists at once', async () => {
    const { api, clock, sink } = await start();
    api.sendBookmark();
    await clock.advance(0);
    const refused = () =>
      new APIConnectionError(
        'GET',
        '/api/v1/configmaps',
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }),
      );
    api.breakWatches(new APIConnectionError('GET', '/api/v1/configmaps', new Error('aborted')));
    for (let i = 0; i < 20; i++) api.failNext('watch', refused());
    await clock.advance(800);
    expect(watchCalls(api)).toBe(2);
    for (let i = 0; i < 19; i++) await clock.advance(1000);
    expect(watchCalls(api)).toBe(21);
    await api.create(CONFIG_MAPS, configMap('made-while-away'));
    api.compact();
    await clock.advance(1000);
    expect(watchCalls(api)).toBe(23);
    expect(listCalls(api)).toBe(2);
    expect(sink.calls.at(-1)).toEqual({ op: 'replace', names: ['made-while-away'] });
  });

  it('resets the backoff once a watch delivers an event', async () => {
    const { api, clock } = await start();
    for (let i = 0; i < 3; i++) api.failNext('watch', FakeKubeAPI.apiError('GET', 503, 'ServiceUnavailable'));
    api.breakWatches(new APIConnectionError('GET', '/x', new Error('ECONNRESET')));
    await clock.advance(800 + 1600 + 3200 + 6400);
    expect(watchCalls(api)).toBe(5);
    await api.create(CONFIG_MAPS, configMap('delivered'));
    await clock.advance(0);
    api.breakWatches(new APIConnectionError('GET', '/x', new Error('ECONNRESET')));
    await clock.advance(800);
    expect(watchCalls(api)).toBe(6);
  });

  it('resets the backoff once a list succeeds', async () => {
    const api = new FakeKubeAPI();
    for (let i = 0; i < 3; i++) api.failNext('list', FakeKubeAPI.apiError('GET', 503, 'ServiceUnavailable'));
    const { clock, reflector } = await start(api);
    await clock.advance(800 + 1600 + 3200);
    expect(reflector.hasSynced).toBe(true);
    api.breakWatches(new APIConnectionError('GET', '/x', new Error('ECONNRESET')));
    await clock.advance(800);
    expect(watchCalls(api)).toBe(2);
  });

  it('stops promptly when its signal aborts, leaving no timers or watches', async () => {
    const harness = await start();
    await harness.stop();
    running = undefined;
    expect(harness.api.openWatches).toBe(0);
    expect(harness.clock.pendingTimers).toBe(0);
  });
});
