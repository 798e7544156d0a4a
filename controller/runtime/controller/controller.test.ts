import { afterEach, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import { CONFIG_MAPS } from '../../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../../shared/logging/logger.ts';
import { FakeClock, settle } from '../../../shared/time/testing/fake-clock.ts';
import { Informer } from '../cache/informer.ts';
import { enqueueForObject } from '../handlers/enqueue.ts';
import { runtimeMetrics } from '../metrics/runtime-metrics.ts';
import { Controller } from './controller.ts';
import { isTerminalError, TerminalError } from './reconciler.ts';
import type { ReconcileContext, ReconcileRequest, ReconcileResult, Reconciler } from './reconciler.ts';

type Behaviour = (request: ReconcileRequest, ctx: ReconcileContext) => Promise<ReconcileResult | void>;

/** Records calls and answers each with the next scripted behaviour (success once the script runs out). */
class ScriptedReconciler implements Reconciler {
  readonly calls: { key: string; at: number }[] = [];
  private readonly script: Behaviour[] = [];
  private readonly clock: FakeClock;
  constructor(clock: FakeClock) {
    this.clock = clock;
  }
  then(...behaviours: Behaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }
  async reconcile(request: ReconcileRequest, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    this.calls.push({ key: `${request.namespace}/${request.name}`, at: this.clock.now() });
    const next = this.script.shift();
    return next ? next(request, ctx) : undefined;
  }
}

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const fail =
  (message: string): Behaviour =>
  async () => {
    throw new Error(message);
  };

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

function setup(workers = 1) {
  const clock = new FakeClock(0);
  const registry = new Registry();
  const metrics = runtimeMetrics(registry);
  const reconciler = new ScriptedReconciler(clock);
  const controller = new Controller({
    name: 'test',
    reconciler,
    maxConcurrentReconciles: workers,
    clock,
    logger: silentLogger,
    metrics,
  });
  cleanup.push(() => controller.stop(0));
  return { clock, registry, reconciler, controller };
}

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

const ns = (name: string) => ({ namespace: 'ns', name });

describe('Controller', () => {
  it('reconciles enqueued keys and counts successes', async () => {
    const { clock, registry, reconciler, controller } = setup();
    void controller.start();
    controller.enqueue(ns('a'));
    controller.enqueue(ns('b'));
    await clock.advance(0);
    expect(reconciler.calls.map((c) => c.key)).toEqual(['ns/a', 'ns/b']);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_total', {
        controller: 'test',
        result: 'success',
      }),
    ).toBe(2);
    expect(
      await metricValue(registry, 'controller_runtime_max_concurrent_reconciles', { controller: 'test' }),
    ).toBe(1);
  });

  it('retries a failing key with per-key exponential backoff, then forgets it on success', async () => {
    const { clock, registry, reconciler, controller } = setup();
    reconciler.then(fail('boom'), fail('boom'), fail('boom'));
    void controller.start();
    controller.enqueue(ns('a'));
    await clock.advance(100);
    expect(reconciler.calls.map((c) => c.at)).toEqual([0, 5, 15, 35]);
    expect(controller.queue.numRequeues('ns/a')).toBe(0);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_errors_total', { controller: 'test' }),
    ).toBe(3);
    expect(await metricValue(registry, 'workqueue_retries_total', { name: 'test' })).toBe(3);
  });

  it('survives a reconciler that rejects with something other than an Error, and retries the key', async () => {
    const { clock, reconciler, controller } = setup();
    reconciler.then(
      () => Promise.reject(undefined),
      () => Promise.reject(null),
    );
    const running = controller.start();
    controller.enqueue(ns('a'));
    await clock.advance(100);
    expect(reconciler.calls.map((c) => c.at)).toEqual([0, 5, 15]);
    controller.enqueue(ns('b'));
    await clock.advance(0);
    expect(reconciler.calls.map((c) => c.key)).toEqual(['ns/a', 'ns/a', 'ns/a', 'ns/b']);
    await controller.stop(0);
    await expect(running).resolves.toBeUndefined();
  });

  it('gives each reconcile its own signal, aborted with the controller and released after', async () => {
    const { clock, reconciler, controller } = setup();
    const signals: AbortSignal[] = [];
    const held = deferred();
    reconciler.then(
      async (_request, ctx) => {
        signals.push(ctx.signal);
      },
      async (_request, ctx) => {
        signals.push(ctx.signal);
        await held.promise;
      },
    );
    void controller.start();
    controller.enqueue(ns('a'));
    controller.enqueue(ns('b'));
    await clock.advance(0);
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
    controller.abortNow('test');
    expect(signals[1]?.aborted).toBe(true);
    expect(signals[1]?.reason).toMatchObject({ name: 'ControllerStoppedError' });
    // The finished reconcile's signal was unlinked, so the controller's abort no longer reaches it.
    expect(signals[0]?.aborted).toBe(false);
    held.resolve();
  });

  it.each([
    ['a TerminalError', () => new TerminalError('spec.path must start with /')],
    [
      'an error wrapping a TerminalError in its cause chain',
      () =>
        new Error('applying children', {
          cause: new Error('rendering', { cause: new TerminalError('spec.path must start with /') }),
        }),
    ],
  ])('does not retry %s until the object changes', async (_, terminal) => {
    const { clock, registry, reconciler, controller } = setup();
    reconciler.then(async () => {
      throw terminal();
    });
    void controller.start();
    controller.enqueue(ns('a'));
    await clock.advance(3_600_000);
    expect(reconciler.calls).toHaveLength(1);
    expect(
      await metricValue(registry, 'controller_runtime_terminal_reconcile_errors_total', {
        controller: 'test',
      }),
    ).toBe(1);
    controller.enqueue(ns('a'));
    await clock.advance(0);
    expect(reconciler.calls).toHaveLength(2);
  });

  it('comes back after requeueAfter, and only then', async () => {
    const { clock, registry, reconciler, controller } = setup();
    reconciler.then(
      async () => ({ requeueAfter: 30_000 }),
      async () => ({ requeueAfter: 0 }),
    );
    void controller.start();
    controller.enqueue(ns('a'));
    await clock.advance(29_999);
    expect(reconciler.calls).toHaveLength(1);
    await clock.advance(1);
    expect(reconciler.calls).toHaveLength(2);
    await clock.advance(3_600_000);
    expect(reconciler.calls.map((c) => c.at)).toEqual([0, 30_000]);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_total', {
        controller: 'test',
        result: 'requeue_after',
      }),
    ).toBe(1);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_total', {
        controller: 'test',
        result: 'requeue',
      }),
    ).toBe(0);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_total', {
        controller: 'test',
        result: 'success',
      }),
    ).toBe(1);
  });

  it('runs different keys in parallel but never the same key twice at once', async () => {
    const { clock, reconciler, controller } = setup(3);
    const gate = deferred();
    let running = 0;
    let peak = 0;
    const slow: Behaviour = async () => {
      running++;
      peak = Math.max(peak, running);
      await gate.promise;
      running--;
    };
    reconciler.then(slow, slow, slow);
    void controller.start();
    controller.enqueue(ns('a'));
    controller.enqueue(ns('b'));
    await clock.advance(0);
    controller.enqueue(ns('a'));
    await clock.advance(0);
    expect(peak).toBe(2);
    expect(reconciler.calls.map((c) => c.key)).toEqual(['ns/a', 'ns/b']);
    gate.resolve();
    await clock.advance(0);
    expect(reconciler.calls.map((c) => c.key)).toEqual(['ns/a', 'ns/b', 'ns/a']);
  });

  it('on stop lets a reconcile in flight finish and takes no further keys', async () => {
    const { clock, reconciler, controller } = setup();
    const gate = deferred();
    reconciler.then(async () => gate.promise);
    const workers = controller.start();
    controller.enqueue(ns('a'));
    await clock.advance(0);
    controller.enqueue(ns('b'));
    const stopped = controller.stop(30_000);
    await clock.advance(1000);
    gate.resolve();
    expect(await stopped).toBe(true);
    await workers;
    expect(reconciler.calls.map((c) => c.key)).toEqual(['ns/a']);
  });

  it('aborts a reconcile that outlives the shutdown grace period', async () => {
    const { clock, reconciler, controller } = setup();
    let aborted: unknown;
    reconciler.then(
      (_r, ctx) =>
        new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => {
            aborted = ctx.signal.reason;
            resolve();
          }),
        ),
    );
    void controller.start();
    controller.enqueue(ns('a'));
    await clock.advance(0);
    const stopped = controller.stop(10_000);
    await clock.advance(10_000);
    expect(await stopped).toBe(false);
    expect(aborted).toMatchObject({ name: 'ControllerStoppedError' });
  });

  it('reconciles objects from the informers it watches', async () => {
    const { clock, reconciler, controller } = setup();
    const api = new FakeKubeAPI();
    const cm = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'ns' },
    });
    api.seed(CONFIG_MAPS, cm('existing'));
    const informer = new Informer({ api, resource: CONFIG_MAPS, clock, logger: silentLogger });
    const stopInformer = new AbortController();
    cleanup.push(async () => stopInformer.abort());
    void informer.start(stopInformer.signal);
    controller.watch(informer, enqueueForObject());
    await clock.advance(0);
    expect(reconciler.calls).toHaveLength(0);
    void controller.start();
    await api.create(CONFIG_MAPS, cm('new'));
    await clock.advance(0);
    await settle();
    expect(reconciler.calls.map((c) => c.key)).toEqual(['ns/existing', 'ns/new']);
  });
});

describe('isTerminalError', () => {
  it('finds a TerminalError itself or anywhere in the cause chain, and nothing else', () => {
    const terminal = new TerminalError('invalid');
    expect(isTerminalError(terminal)).toBe(true);
    expect(isTerminalError(new Error('outer', { cause: terminal }))).toBe(true);
    expect(isTerminalError(new Error('a', { cause: new Error('b', { cause: terminal }) }))).toBe(true);
    expect(isTerminalError(new Error('plain'))).toBe(false);
    expect(isTerminalError(new Error('outer', { cause: 'terminal' }))).toBe(false);
    expect(isTerminalError(undefined)).toBe(false);
    expect(isTerminalError('TerminalError')).toBe(false);
  });

  it('ends on a cause chain that loops', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(isTerminalError(a)).toBe(false);
  });
});
