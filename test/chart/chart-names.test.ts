// Object names stay within what Kubernetes accepts for any release name Helm allows, and every name one
// object uses to refer to another still names a rendered object.
import { describe, expect, it } from '@jest/globals';
import { parseWebhookOptions } from '../../webhook/config/webhook-options.ts';
import { renderChart } from './helm.ts';
import { VALUE_SETS } from './modes.ts';
import type { Deployment, RenderedObject, RoleBinding, WebhookConfiguration } from './rendered-objects.ts';
import { findObject, objectsOfKind } from './rendered-objects.ts';

/** Helm's longest release name. */
const LONGEST_RELEASE = `platform-${'x'.repeat(36)}-gateway`;
/** values.schema.json's longest fullnameOverride. */
const LONGEST_FULLNAME = `f${'o'.repeat(50)}f`;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Every optional object: namespaced RBAC with the DNS Role, the Lease, the PDB, the monitoring objects and the
 * NetworkPolicies.
 */
const EVERY_OBJECT = {
  controller: { watchNamespaces: ['team-a'] },
  networkPolicy: { enabled: true, egress: { enabled: true, apiServer: { cidrs: ['10.0.0.2/32'] } } },
  metrics: {
    serviceMonitor: { enabled: true },
    prometheusRule: { enabled: true },
    dashboards: { enabled: true },
  },
};

interface Naming {
  release: string;
  values: Record<string, unknown>;
}

const NAMINGS: Record<string, Naming> = {
  'a long release name': { release: 'platform-team-gateway-prod-eu1', values: {} },
  'the longest release name': { release: LONGEST_RELEASE, values: {} },
  'the longest fullnameOverride': { release: 'r', values: { fullnameOverride: LONGEST_FULLNAME } },
};

const CASES = Object.entries(NAMINGS).flatMap(([naming, { release, values }]) =>
  Object.entries(VALUE_SETS).map(
    ([mode, modeValues]) =>
      [
        `${naming}, ${mode}`,
        release,
        merge(merge(values, modeValues), EVERY_OBJECT) as Record<string, unknown>,
      ] as const,
  ),
);

function merge(a: unknown, b: unknown): unknown {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return b ?? a;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
  return out;
}

function render(release: string, values: Record<string, unknown>): Promise<RenderedObject[]> {
  return renderChart({
    release,
    values,
    apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor', 'monitoring.coreos.com/v1/PrometheusRule'],
  });
}

describe('object names', () => {
  it.each(CASES)('fit their limits with %s', async (_, release, values) => {
    const objects = await render(release, values);
    const tooLong = objects
      .filter((o) => !DNS1123_LABEL.test(o.metadata.name) || o.metadata.name.length > 63)
      .map((o) => `${o.kind}/${o.metadata.name} (${o.metadata.name.length})`);
    expect(tooLong).toEqual([]);
    for (const service of objectsOfKind(objects, 'Service'))
      expect(service.metadata.name).toMatch(DNS1035_LABEL);
    const keys = objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(CASES)('are what the objects refer to each other by with %s', async (_, release, values) => {
    const objects = await render(release, values);
    const names = (kind: string) => objectsOfKind(objects, kind).map((o) => o.metadata.name);
    for (const binding of [
      ...objectsOfKind<RoleBinding>(objects, 'RoleBinding'),
      ...objectsOfKind<RoleBinding>(objects, 'ClusterRoleBinding'),
    ]) {
      expect(names(binding.roleRef.kind)).toContain(binding.roleRef.name);
      for (const subject of binding.subjects) expect(names('ServiceAccount')).toContain(subject.name);
    }
    for (const deployment of objectsOfKind<Deployment>(objects, 'Deployment'))
      expect(names('ServiceAccount')).toContain(deployment.spec.template.spec.serviceAccountName);
    const inCluster = !(values.webhook as { externalURL?: string } | undefined)?.externalURL;
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      for (const webhook of findObject<WebhookConfiguration>(objects, kind).webhooks) {
        if (inCluster) expect(names('Service')).toContain(webhook.clientConfig.service?.name);
      }
    }
    if (!inCluster) return;
    const [, ...flags] = objectsOfKind<Deployment>(objects, 'Deployment').find(
      (d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'webhook',
    )!.spec.template.spec.containers[0]!.args!;
    const options = parseWebhookOptions(flags, {});
    expect(names('Service')).toContain(options.serviceName);
    if (options.certMode === 'self-managed') {
      expect(names('Secret')).toContain(options.certSecretName);
      expect(names('ValidatingWebhookConfiguration')).toEqual([options.validatingWebhookConfiguration]);
      expect(names('MutatingWebhookConfiguration')).toEqual([options.mutatingWebhookConfiguration]);
    }
    if (options.crdInjectCAFrom)
      expect(names('Certificate')).toContain(options.crdInjectCAFrom.split('/')[1]);
  });

  it('are unchanged where they already fit', async () => {
    const objects = await render('ai-gateway-operator', EVERY_OBJECT);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ClusterRole/ai-gateway-operator-controller',
        'ClusterRole/ai-gateway-operator-webhook',
        'ClusterRoleBinding/ai-gateway-operator-webhook',
        'ConfigMap/ai-gateway-operator-dashboard',
        'Deployment/ai-gateway-operator-controller',
        'Deployment/ai-gateway-operator-webhook',
        'Lease/ai-gateway-operator-controller',
        'MutatingWebhookConfiguration/ai-gateway-operator-mutating',
        'NetworkPolicy/ai-gateway-operator-controller',
        'NetworkPolicy/ai-gateway-operator-webhook',
        'PodDisruptionBudget/ai-gateway-operator-webhook',
        'PrometheusRule/ai-gateway-operator',
        'Role/ai-gateway-operator-controller-dns',
        'Role/ai-gateway-operator-controller-leader-election',
        'Role/ai-gateway-operator-webhook-certificates',
        'RoleBinding/ai-gateway-operator-controller',
        'RoleBinding/ai-gateway-operator-controller-dns',
        'RoleBinding/ai-gateway-operator-controller-leader-election',
        'RoleBinding/ai-gateway-operator-webhook-certificates',
        'Secret/ai-gateway-operator-webhook-certs',
        'Service/ai-gateway-operator-controller-metrics',
        'Service/ai-gateway-operator-webhook',
        'ServiceAccount/ai-gateway-operator-controller',
        'ServiceAccount/ai-gateway-operator-webhook',
        'ServiceMonitor/ai-gateway-operator',
        'ValidatingWebhookConfiguration/ai-gateway-operator-validating',
      ].sort(),
    );
  });
});
