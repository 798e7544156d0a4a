import { describe, expect, it } from '@jest/globals';
import {
  commandName,
  FlagError,
  flagUsage,
  helpRequested,
  parseBooleanFlag,
  parseListFlag,
  parseOneOf,
  readFlags,
} from './flags.ts';
import type { FlagSet } from './flags.ts';

const SET: FlagSet<'log-level' | 'namespaces' | 'verbose' | 'kubeconfig'> = {
  envPrefix: 'DEMO',
  flags: {
    'log-level': { default: 'info', help: 'how much to log' },
    namespaces: { type: 'list', default: '', help: 'namespaces to watch' },
    verbose: { type: 'boolean', default: 'false', help: 'say more' },
    kubeconfig: { help: 'kubeconfig file' },
  },
};

describe('readFlags', () => {
  it('takes the command line, else the environment, else the default', () => {
    const value = readFlags(SET, ['--log-level=debug'], { DEMO_LOG_LEVEL: 'warn', DEMO_NAMESPACES: 'a,b' });
    expect(value('log-level')).toBe('debug');
    expect(value('namespaces')).toBe('a,b');
    expect(value('verbose')).toBe('false');
    expect(value('kubeconfig')).toBeUndefined();
  });

  it('joins a repeated list flag with commas, takes a bare boolean as true and a value in the next argument', () => {
    const value = readFlags(
      SET,
      ['--namespaces', 'a', '--namespaces=b,c', '--verbose', '--kubeconfig', '/kc'],
      {
        DEMO_VERBOSE: 'false',
      },
    );
    expect(value('namespaces')).toBe('a,b,c');
    expect(value('verbose')).toBe('true');
    expect(value('kubeconfig')).toBe('/kc');
  });

  it.each([
    [['--no-such-flag'], "flags: Unknown option '--no-such-flag'; see --help"],
    [['--log-level'], "flags: Option '--log-level <value>' argument missing; see --help"],
    [['stray'], "flags: Unexpected argument 'stray'"],
  ])('refuses %j, naming what is wrong', (argv, message) => {
    expect(() => readFlags(SET, argv, {})).toThrow(FlagError);
    expect(() => readFlags(SET, argv, {})).toThrow(message);
  });
});

describe('flag values', () => {
  it('parses booleans strictly, one of a set, and comma lists', () => {
    expect(parseBooleanFlag('verbose', 'true')).toBe(true);
    expect(parseBooleanFlag('verbose', 'false')).toBe(false);
    expect(() => parseBooleanFlag('verbose', 'yes')).toThrow(
      '--verbose: Invalid value: "yes": must be true or false',
    );
    expect(parseOneOf('log-level', 'warn', ['info', 'warn'] as const)).toBe('warn');
    expect(() => parseOneOf('log-level', 'loud', ['info', 'warn'])).toThrow(
      '--log-level: Unsupported value: "loud": supported values: info, warn',
    );
    expect(parseListFlag(' a, ,b,')).toEqual(['a', 'b']);
  });
});

describe('usage', () => {
  it('lists every flag with its default and environment variable, under the command that was run', () => {
    const usage = flagUsage(SET, 'node dist/demo/main.js');
    expect(usage.split('\n')[0]).toBe('Usage: node dist/demo/main.js [flags]');
    expect(usage).toContain('--log-level');
    expect(usage).toContain('how much to log (default info)');
    expect(usage).toContain('env DEMO_LOG_LEVEL');
    expect(usage).toContain('env DEMO_KUBECONFIG');
  });

  it('names the script relative to the working directory', () => {
    expect(commandName(['/nodejs/bin/node', '/app/dist/webhook/main.js'], '/app')).toBe(
      'node dist/webhook/main.js',
    );
  });

  it('sees --help and -h anywhere on the command line', () => {
    expect(helpRequested(['--port=1', '-h'])).toBe(true);
    expect(helpRequested(['--help'])).toBe(true);
    expect(helpRequested(['--port=1'])).toBe(false);
  });
});
