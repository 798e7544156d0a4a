// The thin bridge from process signals to a graceful stop, for every process of the operator: the first
// SIGTERM or SIGINT asks the process to stop (the controller finishes in-flight work and releases the
// Lease; the webhook closes its servers); a second one means "now" and exits at once.
import type { Logger } from '../logging/logger.ts';

export interface Stoppable {
  stop(reason: string): void;
}

export interface SignalSource {
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  off(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  exit(code: number): void;
}

/** The running process's signals, and its exit. */
export const processSignals: SignalSource = {
  on: (signal, listener) => process.on(signal, listener),
  off: (signal, listener) => process.off(signal, listener),
  exit: (code) => process.exit(code),
};

/** Installs the handlers; returns a function that removes them. */
export function stopOnTerminationSignals(
  target: Stoppable,
  source: SignalSource,
  logger: Logger,
): () => void {
  let received: string | undefined;
  const handlers = (['SIGTERM', 'SIGINT'] as const).map((signal) => {
    const listener = () => {
      if (received) {
        logger.error('second termination signal; exiting without waiting', { signal, first: received });
        source.exit(1);
        return;
      }
      received = signal;
      target.stop(`received ${signal}`);
    };
    source.on(signal, listener);
    return { signal, listener };
  });
  return () => {
    for (const { signal, listener } of handlers) source.off(signal, listener);
  };
}
