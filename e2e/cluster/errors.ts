// What can go wrong bringing up or driving the local control plane, each with the context needed to act on it.

/** A component exited, or did not become ready in time, while the cluster was starting. */
export class ComponentStartError extends Error {
  readonly component: string;
  /** The exit code, the signal that ended it, or null when it is still running but not ready. */
  readonly exit: number | string | null;
  readonly logPath: string;
  readonly logTail: string;
  constructor(
    component: string,
    reason: string,
    exit: number | string | null,
    logPath: string,
    logTail: string,
  ) {
    super(`${component} ${reason}; last lines of ${logPath}:\n${logTail}`);
    this.name = 'ComponentStartError';
    this.component = component;
    this.exit = exit;
    this.logPath = logPath;
    this.logTail = logTail;
  }
}

/** A binary the control plane needs is in none of the places it is looked up in. */
export class MissingAssetError extends Error {
  readonly asset: string;
  readonly searched: readonly string[];
  constructor(asset: string, searched: readonly string[]) {
    super(
      `control plane binary "${asset}" not found in ${searched.join(', ')}; ` +
        'run `npm run cluster:build`, or point E2E_ASSETS at a directory holding it',
    );
    this.name = 'MissingAssetError';
    this.asset = asset;
    this.searched = searched;
  }
}

/** A condition polled for did not hold before its deadline. */
export class WaitTimeoutError extends Error {
  readonly description: string;
  readonly timeoutMs: number;
  readonly lastError: unknown;
  constructor(description: string, timeoutMs: number, lastError: unknown) {
    const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
    super(`timed out after ${timeoutMs} ms waiting for ${description}${detail}`, { cause: lastError });
    this.name = 'WaitTimeoutError';
    this.description = description;
    this.timeoutMs = timeoutMs;
    this.lastError = lastError;
  }
}

/** A command-line tool (kubectl, helm) exited non-zero. */
export class CommandError extends Error {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(command: string, args: readonly string[], exitCode: number | null, stderr: string) {
    super(`${command} ${args.join(' ')} exited with ${exitCode ?? 'a signal'}: ${stderr.trim()}`);
    this.name = 'CommandError';
    this.command = command;
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
