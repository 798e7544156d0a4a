import { describe, expect, it } from '@jest/globals';
import { FakeClock } from './testing/fake-clock.ts';
import { sleep } from './clock.ts';

describe('sleep', () => {
  it('resolves once the clock passes the delay', async () => {
    const clock = new FakeClock();
    let done = false;
    void sleep(clock, 100).then(() => (done = true));
    await clock.advance(99);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(done).toBe(true);
  });

  it('resolves early when the signal aborts and leaves no timer behind', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const slept = sleep(clock, 10_000, controller.signal);
    controller.abort();
    await slept;
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('FakeClock', () => {
  it('fires timers in due order, including ones scheduled by earlier timers', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimer(() => fired.push('b@20'), 20);
    clock.setTimer(() => {
      fired.push('a@10');
      clock.setTimer(() => fired.push('c@15'), 5);
    }, 10);
    await clock.advance(30);
    expect(fired).toEqual(['a@10', 'c@15', 'b@20']);
    expect(clock.now()).toBe(30);
  });
});
