// Every object the chart renders, in every mode, is accepted by a real API server (server-side dry run:
// schema, defaulting, validation and admission, PodSecurity "restricted" included), with no warning.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderChart } from '../../test/chart/helm.ts';
import { VALUE_SETS } from '../../test/chart/modes.ts';
import type { RenderedObject } from '../../test/chart/rendered-objects.ts';
import { kubectl } from '../setup/cluster-env.ts';
import { isServed, servedKinds } from './release-objects.ts';
import { createRestrictedNamespace } from './restricted-namespace.ts';

const NAMESPACE = 'chart-dry-run';

/** Kinds of APIs a bare cluster lacks (cert-manager, Prometheus operator); they are checked by the unit tests. */
const OPTIONAL_KINDS = [
  'cert-manager.io/v1/Certificate',
  'cert-manager.io/v1/Issuer',
  'monitoring.coreos.com/v1/ServiceMonitor',
];

const CASES: Record<string, { values: Record<string, unknown>; apiVersions?: string[]; release?: string }> = {
  ...Object.fromEntries(Object.entries(VALUE_SETS).map(([name, values]) => [name, { values }])),
  // Names shortened to fit 63 characters, and the Recreate strategy.
  'the longest release name, no leader election': {
    release: `platform-${'x'.repeat(36)}-gateway`,
    values: { controller: { leaderElection: { enabled: false }, watchNamespaces: ['default'] } },
  },
  'namespaced controller, two of each, ServiceMonitor': {
    values: {
      controller: { replicas: 2, watchNamespaces: ['default', 'kube-public'] },
      webhook: { replicas: 3 },
      metrics: { serviceMonitor: { enabled: true } },
    },
    apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'],
  },
  // Valid objects, not enforced ones: the local control plane has no network plugin.
  'NetworkPolicies with egress, namespaced controller': {
    values: {
      controller: { watchNamespaces: ['default'] },
      networkPolicy: {
        enabled: true,
        metricsFrom: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
        ],
        egress: { enabled: true, apiServer: { cidrs: ['10.0.0.2/32', 'fd00::2/128'] } },
      },
    },
  },
};

describe('the rendered chart on the API server', () => {
  let served: Set<string>;
  beforeAll(async () => {
    await createRestrictedNamespace(NAMESPACE);
    served = await servedKinds();
  }, 60_000);
  afterAll(async () => {
    await kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
  }, 60_000);

  it.each(Object.entries(CASES))(
    'accepts every object with %s',
    async (_, { values, apiVersions, release }) => {
      const objects = await renderChart({
        release: release ?? 'dry-run',
        namespace: NAMESPACE,
        values,
        apiVersions: apiVersions ?? [],
      });
      const unserved = objects.filter((o) => !isServed(o, served));
      expect(
        unserved.map((o) => `${o.apiVersion}/${o.kind}`).filter((k) => !OPTIONAL_KINDS.includes(k)),
      ).toEqual([]);
      const checked: RenderedObject[] = objects.filter((o) => isServed(o, served));
      const out = await kubectl(
        ['apply', '--dry-run=server', '--warnings-as-errors', '-o', 'name', '-f', '-'],
        {
          input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: checked }),
        },
      );
      expect(out.trim().split('\n')).toHaveLength(checked.length);
    },
    60_000,
  );
});
