// Polling with a deadline: the one way the control plane code and the tests wait for something.
import { setTimeout as sleep } from 'node:timers/promises';
import { WaitTimeoutError } from './errors.ts';

export interface WaitOptions {
  /** Says what is awaited, for the timeout error: "Deployment default/web to be Available". */
  description: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Stops polling early; the wait then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Calls `check` until it returns a value other than undefined/false, and returns that value. A throwing
 * check counts as "not yet"; its last error is reported if the deadline passes.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(options.description, options.timeoutMs, lastError);
    await sleep(Math.min(options.intervalMs ?? 250, Math.max(0, deadline - Date.now())), undefined, {
      signal: options.signal,
    }).catch(() => undefined);
  }
}
