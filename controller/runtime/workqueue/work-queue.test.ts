import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../../../shared/time/testing/fake-clock.ts';
import { WorkQueue } from './work-queue.ts';

function newQueue(clock = new FakeClock()) {
  const observed = {
    added: 0,
    retried: 0,
    depth: [] as number[],
    waited: [] as number[],
    worked: [] as number[],
  };
  const queue = new WorkQueue({
    name: 'test',
    clock,
    metrics: {
      added: () => observed.added++,
      retried: () => observed.retried++,
      depth: (d) => observed.depth.push(d),
      dequeued: (ms) => observed.waited.push(ms),
      finished: (ms) => observed.worked.push(ms),
    },
  });
  return { queue, clock, observed };
}

/** A get() that has not resolved yet reports 'pending'. */
async function peekGet(queue: WorkQueue): Promise<string | undefined | 'pending'> {
  return Promise.race([
    queue.get(),
    new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending'))),
  ]);
}

describe('WorkQueue', () => {
  it('hands keys out in order and holds a waiting key once however often it is added', async () => {
    const { queue } = newQueue();
    for (const key of ['ns/a', 'ns/b', 'ns/a', 'ns/c', 'ns/b']) queue.add(key);
    expect(queue.length).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['ns/a', 'ns/b', 'ns/c']);
  });

  it('never gives a key to two workers; a key re-added while in flight comes back after done()', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    const key = await queue.get();
    queue.add('ns/a');
    queue.add('ns/a');
    const second = queue.get();
    expect(await peekGet(queue)).toBe('pending');
    queue.done(key ?? '');
    expect(await second).toBe('ns/a');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const { queue } = newQueue();
    const next = queue.get();
    queue.add('ns/a');
    expect(await next).toBe('ns/a');
  });

  it('delays keys with addAfter, keeping the earliest time asked for', async () => {
    const { queue, clock } = newQueue();
    queue.addAfter('ns/a', 1000);
    queue.addAfter('ns/a', 300);
    queue.addAfter('ns/b', 500);
    await clock.advance(299);
    expect(queue.length).toBe(0);
    await clock.advance(1);
    expect(await queue.get()).toBe('ns/a');
    await clock.advance(200);
    expect(await queue.get()).toBe('ns/b');
    await clock.advance(1000);
    expect(queue.length).toBe(0);
  });

  it('backs a failing key off exponentially from 5 ms and resets on forget', async () => {
    const { queue, clock, observed } = newQueue();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = clock.now();
      queue.addRateLimited('ns/a');
      await clock.advance((clock.nextTimerAt() ?? before) - before);
      delays.push(clock.now() - before);
      queue.done((await queue.get()) ?? '');
    }
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(queue.numRequeues('ns/a')).toBe(4);
    expect(observed.retried).toBe(4);
    queue.forget('ns/a');
    expect(queue.numRequeues('ns/a')).toBe(0);
  });

  it('on shutdown stops handing out work, ignores adds, and drains what is in flight', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    queue.add('ns/b');
    const inFlight = (await queue.get()) ?? '';
    const idleWorker = new WorkQueue({ name: 'idle', clock: new FakeClock() });
    const idle = idleWorker.get();
    idleWorker.shutDown();
    expect(await idle).toBeUndefined();

    queue.shutDown();
    expect(await queue.get()).toBeUndefined();
    queue.add('ns/c');
    expect(queue.length).toBe(1);
    let drained = false;
    const drain = queue.drain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    queue.done(inFlight);
    await drain;
    expect(drained).toBe(true);
  });

  it('reports adds, depth, time queued and time worked to its metrics hooks', async () => {
    const { queue, clock, observed } = newQueue();
    queue.add('ns/a');
    queue.add('ns/a');
    await clock.advance(40);
    const key = (await queue.get()) ?? '';
    await clock.advance(25);
    expect(queue.unfinishedWork()).toEqual({ totalMs: 25, longestMs: 25 });
    queue.done(key);
    expect(queue.unfinishedWork()).toEqual({ totalMs: 0, longestMs: 0 });
    expect(observed).toMatchObject({ added: 1, depth: [1, 0], waited: [40], worked: [25] });
  });
});
