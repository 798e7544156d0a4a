import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { PROBLEM_REASONS, REASON } from './reasons.ts';

const README = new URL('../../README.md', import.meta.url);

/** The text of the README's troubleshooting section, up to the next heading of its level or above. */
function troubleshooting(): string {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('### Troubleshooting');
  if (start < 0) throw new Error('README.md has no "### Troubleshooting" section');
  const end = text.slice(start + 1).search(/\n#{1,3} /);
  return end < 0 ? text.slice(start) : text.slice(start, start + 1 + end);
}

describe('condition reasons', () => {
  it('are their own names', () => {
    for (const [key, value] of Object.entries(REASON)) expect(value).toBe(key);
  });

  it('that need a person are each explained in the README troubleshooting table', () => {
    const section = troubleshooting();
    const missing = PROBLEM_REASONS.filter((reason) => !section.includes(`\`${reason}\``));
    expect(missing).toEqual([]);
  });
});
