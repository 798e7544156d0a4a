// Time as a dependency: every wait of both processes (backoff, inactivity, requeue, lease renewal,
// certificate rounds, polls) goes through a Clock so tests drive it with a fake one instead of sleeping.

export interface Timer {
  cancel(): void;
}

export interface TimerOptions {
  /** The timer alone does not keep the process alive (Node's unref): for background rechecks and polls. */
  unref?: boolean;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimer(callback: () => void, delayMs: number, options?: TimerOptions): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs, options) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    if (options?.unref) handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Calls `callback` every `intervalMs`, the first time after one interval, until the timer is cancelled. */
export function setRepeatingTimer(
  clock: Clock,
  callback: () => void,
  intervalMs: number,
  options?: TimerOptions,
): Timer {
  let cancelled = false;
  let timer: Timer;
  const fire = () => {
    if (cancelled) return;
    timer = clock.setTimer(fire, intervalMs, options);
    callback();
  };
  timer = clock.setTimer(fire, intervalMs, options);
  return {
    cancel: () => {
      cancelled = true;
      timer.cancel();
    },
  };
}

/** Waits `delayMs`, or less when `signal` aborts first; never rejects, callers check the signal. */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      timer.cancel();
      resolve();
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
