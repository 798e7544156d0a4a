// Starts one component and waits, boundedly, until it is ready. A component that exits or stays unready
// is stopped and reported with its exit status and the end of its log, never waited on forever.
import { join } from 'node:path';
import type { ComponentCommand } from './component-commands.ts';
import type { ComponentRecord } from './cluster-state.ts';
import { ComponentStartError, WaitTimeoutError } from './errors.ts';
import { launchDetached, logTail, stopProcessGroup } from './process-group.ts';
import type { ProcessExit } from './process-group.ts';
import { waitFor } from './wait-for.ts';

export interface StartComponentOptions {
  logsDir: string;
  /** Resolves true once the component serves; may throw while it is still coming up. */
  isReady: () => Promise<boolean>;
  timeoutMs: number;
}

function describeExit(exit: ProcessExit): number | string {
  return exit.code ?? exit.signal ?? 'unknown';
}

export async function startComponent(
  component: ComponentCommand,
  options: StartComponentOptions,
): Promise<ComponentRecord> {
  const logPath = join(options.logsDir, `${component.name}.log`);
  const launched = launchDetached({
    command: component.command,
    args: component.args,
    logPath,
    env: { ...process.env, ...component.env },
  });
  const record: ComponentRecord = { ...component, logPath, pid: launched.pid };
  const stopWaiting = new AbortController();
  const exitedEarly = launched.exited.then((exit) => {
    const error = new ComponentStartError(
      component.name,
      `exited during start-up (${exit.code === null ? `signal ${exit.signal}` : `exit code ${exit.code}`})`,
      describeExit(exit),
      logPath,
      logTail(logPath),
    );
    stopWaiting.abort(error);
    throw error;
  });
  // Only one of the two outcomes is awaited; the other must not surface as an unhandled rejection.
  exitedEarly.catch(() => undefined);
  try {
    await Promise.race([
      waitFor(() => options.isReady(), {
        description: `${component.name} to become ready`,
        timeoutMs: options.timeoutMs,
        intervalMs: 200,
        signal: stopWaiting.signal,
      }),
      exitedEarly,
    ]);
    return record;
  } catch (err) {
    if (err instanceof ComponentStartError) throw err;
    await stopProcessGroup(launched.pid, 5_000);
    const reason =
      err instanceof WaitTimeoutError
        ? `was not ready within ${options.timeoutMs / 1000} s${err.lastError instanceof Error ? ` (last check: ${err.lastError.message})` : ''}`
        : `could not be checked: ${(err as Error).message}`;
    throw new ComponentStartError(component.name, reason, null, logPath, logTail(logPath));
  }
}
