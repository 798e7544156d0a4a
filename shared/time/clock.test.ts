import { describe, expect, it } from '@jest/globals';
import { FakeClock } from './testing/fake-clock.ts';
import { setRepeatingTimer, sleep, systemClock } from './clock.ts';

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

describe('setRepeatingTimer', () => {
  it('fires every interval until cancelled, even when the callback cancels it', async () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    const timer = setRepeatingTimer(clock, () => fired.push(clock.now()), 100);
    await clock.advance(350);
    expect(fired).toEqual([100, 200, 300]);
    timer.cancel();
    await clock.advance(1000);
    expect(fired).toEqual([100, 200, 300]);
    expect(clock.pendingTimers).toBe(0);

    const once = setRepeatingTimer(
      clock,
      () => {
        fired.push(clock.now());
        once.cancel();
      },
      100,
    );
    await clock.advance(1000);
    expect(fired).toEqual([100, 200, 300, 1450]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('systemClock', () => {
  it('fires timers, unref ones too, and not a cancelled one', async () => {
    const fired = await new Promise<boolean>((resolve) => {
      systemClock.setTimer(() => resolve(true), 1, { unref: true });
    });
    expect(fired).toBe(true);
    let late = false;
    const timer = systemClock.setTimer(() => (late = true), 1);
    timer.cancel();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(late).toBe(false);
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
