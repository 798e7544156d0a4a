// A Clock for tests: time moves only when the test advances it, firing due timers in order and letting
// the promise chains they start settle before the next one fires.
import type { Clock, Timer } from '../clock.ts';

interface PendingTimer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/** Lets pending promise callbacks (and the ones they schedule) run. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(callback: () => void, delayMs: number): Timer {
    const timer: PendingTimer = {
      at: this.current + Math.max(0, delayMs),
      seq: this.seq++,
      callback,
      cancelled: false,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Timers still waiting to fire. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** When the next timer fires, if any. */
  nextTimerAt(): number | undefined {
    return this.live()[0]?.at;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      const next = this.live()[0];
      if (!next || next.at > target) break;
      this.current = Math.max(this.current, next.at);
      next.cancelled = true;
      next.callback();
      await settle();
    }
    this.current = target;
    await settle();
  }

  private live(): PendingTimer[] {
    this.timers = this.timers.filter((t) => !t.cancelled);
    return this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}
