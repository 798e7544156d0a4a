import { describe, expect, it } from '@jest/globals';
import { CHART_DIR, KUBE_VERSION, runHelm, withValuesFile } from './helm.ts';
import { VALUE_SETS } from './modes.ts';

describe('helm lint', () => {
  it.each(Object.entries(VALUE_SETS))('passes --strict with %s', async (_, values) => {
    const { stdout } = await withValuesFile(values, (file) =>
      runHelm(['lint', '--strict', '--kube-version', KUBE_VERSION, CHART_DIR, '--values', file]),
    );
    expect(stdout).toContain('0 chart(s) failed');
    expect(stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
  });
});
