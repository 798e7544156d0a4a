// The thin bridge from process signals to a graceful stop: the first SIGTERM or SIGINT asks the manager
// to stop (finish in-flight work, release the Lease); a second one means "now" and exits at once.
import type { Logger } from '../logging/logger.ts';

export interface Stoppable {
  stop(reason: string): void;
}

export interface SignalSource {
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  off(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  exit(code: number): void;
}

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
