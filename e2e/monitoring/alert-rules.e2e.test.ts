// The chart's alerts as promtool sees them: the rules of the rendered PrometheusRule are valid, and the unit
// tests of alerts.promtool.yaml pass, with for every alert a case where it fires and one where it must not.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runCommand } from '../cluster/run-command.ts';
import type { RuleGroup } from './support/chart-monitoring.ts';
import { alertNames, renderChartMonitoring, ruleFile } from './support/chart-monitoring.ts';
import { promtoolBinary } from './support/prometheus-binary.ts';

const UNIT_TESTS = fileURLToPath(new URL('alerts.promtool.yaml', import.meta.url));

interface UnitTests {
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

let dir: string;
let groups: RuleGroup[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2e-promtool-'));
  ({ groups } = await renderChartMonitoring());
  writeFileSync(join(dir, 'rules.yaml'), ruleFile(groups));
  copyFileSync(UNIT_TESTS, join(dir, 'alerts.promtool.yaml'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the chart's alerts", () => {
  it('are valid rules', async () => {
    const out = await runCommand(promtoolBinary(), ['check', 'rules', join(dir, 'rules.yaml')]);
    expect(out).toContain(`SUCCESS: ${alertNames(groups).length} rules found`);
  });

  it('pass their unit tests', async () => {
    const out = await runCommand(promtoolBinary(), ['test', 'rules', join(dir, 'alerts.promtool.yaml')]);
    expect(out).toContain('SUCCESS');
  });

  it('each have a unit test where they fire and one where they must not', () => {
    const { tests } = parse(readFileSync(UNIT_TESTS, 'utf8')) as UnitTests;
    const cases = tests.flatMap((t) => t.alert_rule_test ?? []);
    const firing = new Set(cases.filter((c) => (c.exp_alerts ?? []).length > 0).map((c) => c.alertname));
    const silent = new Set(cases.filter((c) => (c.exp_alerts ?? []).length === 0).map((c) => c.alertname));
    const names = alertNames(groups);
    expect(names.filter((name) => !firing.has(name))).toEqual([]);
    expect(names.filter((name) => !silent.has(name))).toEqual([]);
  });
});
