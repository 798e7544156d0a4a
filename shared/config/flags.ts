// The command line of both processes. Each flag is read from the command line, else from an environment
// variable (the process's prefix + the flag in upper snake case, so a chart can set either), else its
// default. Parsing is strict: an unknown flag, or one without its value, stops the process with a message
// that names it.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../util/error-message.ts';

export interface FlagSpec {
  /** `list`: may be repeated, values joined with commas. `boolean`: given bare, it means true (as Go flags). */
  readonly type?: 'string' | 'list' | 'boolean';
  /** Undefined: no default (an optional setting). */
  readonly default?: string;
  readonly help: string;
}

export interface FlagSet<F extends string> {
  /** `CONTROLLER` reads `--log-level` also from `CONTROLLER_LOG_LEVEL`. */
  readonly envPrefix: string;
  readonly flags: Readonly<Record<F, FlagSpec>>;
}

/** A setting that cannot be used: `option` is the flag (`--workers`), or `flags` for the command line. */
export class FlagError extends Error {
  readonly option: string;
  constructor(option: string, message: string, options?: ErrorOptions) {
    super(`${option}: ${message}`, options);
    this.name = 'FlagError';
    this.option = option;
  }
}

function envName(set: FlagSet<string>, flag: string): string {
  return `${set.envPrefix}_${flag.toUpperCase().replaceAll('-', '_')}`;
}

/** Whether the command line asks for the usage text, which then wins over any other problem with it. */
export function helpRequested(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--help' || arg === '-h');
}

/**
 * Each flag's value, as text, from the command line, the environment or the default (undefined: none of
 * them). Checking the values is the caller's part.
 */
export function readFlags<F extends string>(
  set: FlagSet<F>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): (flag: F) => string | undefined {
  const specs: Readonly<Record<string, FlagSpec>> = set.flags;
  const args = argv.map((arg) => {
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    return name !== undefined && specs[name]?.type === 'boolean' ? `${arg}=true` : arg;
  });
  let values: Record<string, string | string[] | undefined>;
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        Object.entries(specs).map(([flag, spec]) => [
          flag,
          { type: 'string', multiple: spec.type === 'list' },
        ]),
      ),
    }).values as Record<string, string | string[] | undefined>;
  } catch (err) {
    throw new FlagError('flags', `${errorMessage(err)}; see --help`, { cause: err });
  }
  return (flag) => {
    const fromFlag = values[flag];
    if (Array.isArray(fromFlag)) return fromFlag.join(',');
    return fromFlag ?? env[envName(set, flag)] ?? specs[flag]?.default;
  };
}

/** The --help text: every flag with its help, default and environment variable. */
export function flagUsage(set: FlagSet<string>, command: string): string {
  const entries = Object.entries<FlagSpec>(set.flags);
  const width = Math.max(...entries.map(([flag]) => flag.length)) + 2;
  const lines = entries.map(([flag, spec]) => {
    const def = spec.default ? ` (default ${spec.default})` : '';
    return `  --${flag.padEnd(width)} ${spec.help}${def}\n  ${''.padEnd(width + 2)} env ${envName(set, flag)}`;
  });
  return `Usage: ${command} [flags]\n\n${lines.join('\n')}\n`;
}

/** `--flag: Invalid value: "text": allowed`, the wording of the API server's field errors. */
export function invalidFlagValue(flag: string, text: string, allowed: string): FlagError {
  return new FlagError(`--${flag}`, `Invalid value: ${JSON.stringify(text)}: ${allowed}`);
}

export function parseBooleanFlag(flag: string, text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw invalidFlagValue(flag, text, 'must be true or false');
}

export function parseOneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new FlagError(
    `--${flag}`,
    `Unsupported value: ${JSON.stringify(text)}: supported values: ${allowed.join(', ')}`,
  );
}

export interface BindAddress {
  host: string;
  port: number;
}

/** "host:port", ":port" (every address) or "[v6]:port", as controller-runtime's bind address flags. */
export function parseBindAddress(flag: string, text: string): BindAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw invalidFlagValue(flag, text, 'must be host:port or :port, e.g. :8080 or 127.0.0.1:0');
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

/** A comma-separated list (a `list` flag's repeated values arrive joined), without empty entries. */
export function parseListFlag(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** How this process was started, for its usage text: `node dist/webhook/main.js` in the image. */
export function commandName(argv: readonly string[] = process.argv, cwd: string = process.cwd()): string {
  const script = argv[1];
  return script === undefined ? 'node' : `node ${relative(cwd, script)}`;
}
