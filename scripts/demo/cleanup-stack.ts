// What the demo started, to be stopped in reverse order of starting: every step runs even when an earlier
// one fails, so that one stubborn process never keeps the others (or the cluster) alive.

export interface CleanupFailure {
  name: string;
  error: Error;
}

interface CleanupStep {
  name: string;
  run: () => Promise<unknown> | unknown;
}

export class CleanupStack {
  readonly #steps: CleanupStep[] = [];
  #running: Promise<CleanupFailure[]> | undefined;

  /** Registers how to undo something just started; `name` says what, for a failure report. */
  push(name: string, run: () => Promise<unknown> | unknown): void {
    this.#steps.push({ name, run });
  }

  get size(): number {
    return this.#steps.length;
  }

  /**
   * Runs every registered step, newest first, once: a second call (a signal arriving during cleanup)
   * waits for the same run. Resolves with the steps that failed.
   */
  runAll(): Promise<CleanupFailure[]> {
    this.#running ??= this.#runSteps();
    return this.#running;
  }

  async #runSteps(): Promise<CleanupFailure[]> {
    const failures: CleanupFailure[] = [];
    while (this.#steps.length > 0) {
      const step = this.#steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        failures.push({ name: step.name, error: error instanceof Error ? error : new Error(String(error)) });
      }
    }
    return failures;
  }
}
