// The demo's command line: `--no-wait` (or DEMO_EXIT=1) exits after showing the result instead of
// leaving everything running until Ctrl-C.

export interface DemoOptions {
  /** Keep the cluster, processes and gateway running until SIGINT/SIGTERM. */
  wait: boolean;
  help: boolean;
}

export const DEMO_USAGE = `usage: npm run demo [-- --no-wait]

Builds the operator, starts a local Kubernetes control plane, installs the chart, runs the controller
and the webhook on this machine, applies samples/ and test/fixtures/seeds/, and shows the result,
including requests through the gateway configuration the controller wrote.

  --no-wait   stop everything and exit after showing the result (also: DEMO_EXIT=1)
  --help      this text`;

export class DemoOptionsError extends Error {
  readonly argument: string;
  constructor(argument: string, message: string) {
    super(`${message}\n\n${DEMO_USAGE}`);
    this.name = 'DemoOptionsError';
    this.argument = argument;
  }
}

const EXIT_VALUES = new Set(['1', 'true', 'yes']);
const STAY_VALUES = new Set(['', '0', 'false', 'no']);

export function parseDemoOptions(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DemoOptions {
  const exitValue = (env.DEMO_EXIT ?? '').trim().toLowerCase();
  if (!EXIT_VALUES.has(exitValue) && !STAY_VALUES.has(exitValue)) {
    throw new DemoOptionsError(
      `DEMO_EXIT=${env.DEMO_EXIT}`,
      `DEMO_EXIT=${JSON.stringify(env.DEMO_EXIT)} is not allowed; use 1, true or yes (or 0, false, no, empty)`,
    );
  }
  const options: DemoOptions = { wait: !EXIT_VALUES.has(exitValue), help: false };
  for (const arg of args) {
    if (arg === '--no-wait') options.wait = false;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new DemoOptionsError(arg, `unknown argument ${JSON.stringify(arg)}`);
  }
  return options;
}
