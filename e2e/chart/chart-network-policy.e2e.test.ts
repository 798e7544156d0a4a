// The chart's NetworkPolicies and the chart README's policies for the gateway and model pods, on a real API
// server: it accepts them (schema and validation, with no warning), and their selectors select exactly the
// pods and namespaces they are meant for, read by the API server from objects that exist. The local control
// plane has no network plugin (its pods are kwok's, without a network), so nothing enforces a
// NetworkPolicy here: this checks that the policies are valid and select the right pods, not what traffic
// they let through.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gatewayLabels, modelLabels } from '../../controller/children/labels.ts';
import { DEFAULT_RELOADER_STATUS_PORT } from '../../shared/gateway/reloader-pod-layout.ts';
import { renderChart } from '../../test/chart/helm.ts';
import type { LabelSelector, NetworkPolicy } from '../../test/chart/network-policies.ts';
import { readmeNetworkPolicies, selectorArgument } from '../../test/chart/network-policies.ts';
import type { Deployment, RenderedObject } from '../../test/chart/rendered-objects.ts';
import { findObject, objectsOfKind } from '../../test/chart/rendered-objects.ts';
import { applyYAML, E2E_TEST_TIMEOUT_MS, kubectl, waitFor } from '../setup/cluster-env.ts';
import { createRestrictedNamespace } from './restricted-namespace.ts';

const NAMESPACE = 'chart-network-policy';
/** Where the README's policies and the pods they are for go, and the namespace the controller watches. */
const WORKLOADS = 'chart-network-policy-workloads';
const RELEASE = 'np';
const FULLNAME = `${RELEASE}-ai-gateway-operator`;

const VALUES = {
  controller: { watchNamespaces: [WORKLOADS] },
  networkPolicy: {
    enabled: true,
    webhookFrom: [{ ipBlock: { cidr: '10.0.0.0/28' } }],
    metricsFrom: [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      },
    ],
    egress: { enabled: true, apiServer: { cidrs: ['10.0.0.2/32'], ports: [6443] } },
  },
};

const asList = (items: readonly unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });

async function names(kind: string, selector: LabelSelector, namespace?: string): Promise<string[]> {
  const args = ['get', kind, '-o', 'name', `--selector=${selectorArgument(selector)}`];
  const out = await kubectl(namespace ? [...args, '-n', namespace] : args);
  return out
    .split('\n')
    .filter(Boolean)
    .map((n) => n.replace(/^[^/]+\//, ''))
    .sort();
}

/** The names of the pods of a Deployment, once it has as many as it wants. */
async function podsOf(deployment: Deployment): Promise<string[]> {
  return waitFor(
    async () => {
      const pods = await names('pods', deployment.spec.selector, NAMESPACE);
      return pods.length === deployment.spec.replicas && pods;
    },
    { description: `the pods of Deployment ${deployment.metadata.name}`, timeoutMs: 60_000 },
  );
}

/** A pod carrying these labels, restricted like the ones the controller makes; it never needs to run. */
function pod(name: string, labels: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: WORKLOADS, labels },
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 101, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'main',
          image: 'registry.invalid/placeholder:1',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

describe('NetworkPolicies on the API server', () => {
  let objects: RenderedObject[];
  beforeAll(async () => {
    await createRestrictedNamespace(NAMESPACE);
    await createRestrictedNamespace(WORKLOADS);
    objects = await renderChart({ release: RELEASE, namespace: NAMESPACE, values: VALUES });
  }, E2E_TEST_TIMEOUT_MS);
  afterAll(async () => {
    for (const namespace of [NAMESPACE, WORKLOADS])
      await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  }, E2E_TEST_TIMEOUT_MS);

  it(
    "are accepted, and each of the chart's selects the pods of its Deployment only",
    async () => {
      const policies = objectsOfKind<NetworkPolicy>(objects, 'NetworkPolicy');
      expect(policies.map((p) => p.metadata.name).sort()).toEqual([
        `${FULLNAME}-controller`,
        `${FULLNAME}-webhook`,
      ]);
      await kubectl(['apply', '--dry-run=server', '--warnings-as-errors', '-o', 'name', '-f', '-'], {
        input: asList(policies),
      });
      // The Deployments and what their pods need to be created; the webhook configurations and RBAC are
      // left out, so nothing outside the namespace changes.
      const workloads = objects.filter((o) =>
        ['ServiceAccount', 'Deployment', 'NetworkPolicy'].includes(o.kind),
      );
      await applyYAML(asList(workloads), ['--warnings-as-errors']);
      for (const component of ['controller', 'webhook']) {
        const deployment = findObject<Deployment>(objects, 'Deployment', `${FULLNAME}-${component}`);
        const policy = findObject<NetworkPolicy>(objects, 'NetworkPolicy', `${FULLNAME}-${component}`);
        const pods = await podsOf(deployment);
        expect(pods.every((p) => p.startsWith(`${deployment.metadata.name}-`))).toBe(true);
        expect(await names('pods', policy.spec.podSelector, NAMESPACE)).toEqual(pods);
      }
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    'let the controller reach the gateway pods of the namespaces it watches only',
    async () => {
      const policy = findObject<NetworkPolicy>(objects, 'NetworkPolicy', `${FULLNAME}-controller`);
      const reloaders = policy.spec.egress?.find((r) =>
        r.ports?.some((p) => p.port === DEFAULT_RELOADER_STATUS_PORT),
      );
      expect(reloaders?.to).toHaveLength(1);
      const gateways = reloaders!.to![0];
      expect(await names('namespaces', gateways!.namespaceSelector!)).toEqual([WORKLOADS]);
      await applyYAML(asList([pod('gateway', gatewayLabels('default')), pod('model', modelLabels('llama'))]));
      expect(await names('pods', gateways!.podSelector!, WORKLOADS)).toEqual(['gateway']);
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "accept the chart README's policies, which select the gateway and the model pods",
    async () => {
      await applyYAML(asList([pod('gateway', gatewayLabels('default')), pod('model', modelLabels('llama'))]));
      const policies = readmeNetworkPolicies().map((p) => ({
        ...p,
        metadata: { ...p.metadata, namespace: WORKLOADS },
      }));
      expect(policies).toHaveLength(2);
      await applyYAML(asList(policies), ['--warnings-as-errors']);
      const selected = await Promise.all(
        policies.map(async (p) => (await names('pods', p.spec.podSelector, WORKLOADS)).join(',')),
      );
      expect(selected.sort()).toEqual(['gateway', 'model']);
    },
    E2E_TEST_TIMEOUT_MS,
  );
});
