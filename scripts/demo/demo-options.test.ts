import { describe, expect, it } from '@jest/globals';
import { DemoOptionsError, parseDemoOptions } from './demo-options.ts';

describe('parseDemoOptions', () => {
  it('waits for Ctrl-C unless told not to, by flag or by DEMO_EXIT', () => {
    expect(parseDemoOptions([], {})).toEqual({ wait: true, help: false });
    expect(parseDemoOptions(['--no-wait'], {})).toEqual({ wait: false, help: false });
    expect(parseDemoOptions([], { DEMO_EXIT: '1' })).toEqual({ wait: false, help: false });
    expect(parseDemoOptions([], { DEMO_EXIT: 'TRUE ' })).toEqual({ wait: false, help: false });
    expect(parseDemoOptions([], { DEMO_EXIT: '0' })).toEqual({ wait: true, help: false });
    expect(parseDemoOptions([], { DEMO_EXIT: '' })).toEqual({ wait: true, help: false });
    expect(parseDemoOptions(['--help'], {}).help).toBe(true);
  });

  it('refuses an unknown argument or DEMO_EXIT value, naming it and the usage', () => {
    expect(() => parseDemoOptions(['--nowait'], {})).toThrow(DemoOptionsError);
    expect(() => parseDemoOptions(['--nowait'], {})).toThrow(/unknown argument "--nowait"[\s\S]*--no-wait/);
    expect(() => parseDemoOptions([], { DEMO_EXIT: 'maybe' })).toThrow(
      'DEMO_EXIT="maybe" is not allowed; use 1, true or yes (or 0, false, no, empty)',
    );
  });
});
