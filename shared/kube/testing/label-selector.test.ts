import { describe, expect, it } from '@jest/globals';
import { labelSelectorMatcher } from './label-selector.ts';

describe('labelSelectorMatcher', () => {
  const labels = { app: 'gw', tier: 'edge' };

  it.each([
    ['', true],
    ['app=gw', true],
    ['app==gw', true],
    ['app!=gw', false],
    ['app=gw,tier=core', false],
    ['tier', true],
    ['!tier', false],
    ['tier in (edge, core)', true],
    ['tier notin (edge)', false],
    ['missing notin (x)', true],
  ])('%s → %s', (selector, expected) => {
    expect(labelSelectorMatcher(selector)(labels)).toBe(expected);
  });
});
