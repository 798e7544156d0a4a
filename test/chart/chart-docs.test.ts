// What the documentation tells an operator to run, and what it says the chart creates, holds for the chart.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CHART_DIR, renderChart } from './helm.ts';
import type { RBACRole, RenderedObject } from './rendered-objects.ts';
import { findObject } from './rendered-objects.ts';

const REPO = resolve(CHART_DIR, '../..');

/** Where the CRD upgrade is documented. */
const UPGRADE_DOCS = [
  join(REPO, 'README.md'),
  join(CHART_DIR, 'README.md'),
  join(CHART_DIR, 'templates', 'NOTES.txt'),
];

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

describe('the CRD upgrade command', () => {
  it.each(UPGRADE_DOCS.map((p) => [p.slice(REPO.length + 1), p]))(
    '%s: applies crds/ server-side with --force-conflicts and says why',
    (_, path) => {
      // Helm created the CRDs and the webhook rewrites their conversion settings: a plain server-side apply
      // of a changed CRD stops at their fields with a conflict.
      const text = read(path).replace(/\s+/g, ' ');
      const commands = text.match(/kubectl apply [^`\n]*crds\//g) ?? [];
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) expect(command).toMatch(/--server-side --force-conflicts -f /);
      expect(text).toContain('--cert-check-interval');
    },
  );
});

describe('values.yaml and READMEs', () => {
  it('list every kind referenceWarnings grants the webhook get on', async () => {
    const objects = await renderChart({ values: { webhook: { referenceWarnings: { secrets: true } } } });
    const webhookRole = findObject<RBACRole>(objects, 'ClusterRole', 'ai-gateway-operator-webhook');
    const granted = webhookRole.rules
      .filter((r) => r.verbs.length === 1 && r.verbs[0] === 'get' && !r.resourceNames)
      .flatMap((r) => r.resources);
    expect(granted.sort()).toEqual(['aimodels', 'configmaps', 'secrets', 'services']);
    const values = read(join(CHART_DIR, 'values.yaml'));
    const comment = /((?:^ *#.*\n)+) *referenceWarnings:/m.exec(values)?.[1] ?? '';
    const said = comment.toLowerCase().replace(/\s+/g, '');
    expect(granted.filter((resource) => !said.includes(resource))).toEqual([]);
  });

  it("webhook/README.md gives the type of the chart's self-managed Secret", async () => {
    const objects = await renderChart();
    const secret = findObject<RenderedObject & { type: string }>(
      objects,
      'Secret',
      'ai-gateway-operator-webhook-certs',
    );
    const readme = read(join(REPO, 'webhook', 'README.md')).replace(/\s+/g, ' ');
    const selfManaged = /\*\*`self-managed`\*\*.*?(?=- _Several replicas)/.exec(readme)?.[0] ?? '';
    expect(selfManaged).toContain(`\`${secret.type}\``);
  });
});
