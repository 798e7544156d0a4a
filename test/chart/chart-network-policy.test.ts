// The NetworkPolicies of networkPolicy.*: none by default; when on, each selects the pods of its Deployment
// and admits only the ports those pods serve, from the peers the values name, and with egress on lets the
// processes reach what they connect to. The chart README's policies for the gateway and model pods select
// the labels the controller puts on them and admit the ports those pods listen on. Whether a network
// plugin enforces any of it is not tested here (nor by the e2e tests: the local control plane has none).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { gatewayLabels, modelLabels } from '../../controller/children/labels.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { DEFAULT_MODEL_PORT } from '../../shared/defaulting/defaults.ts';
import { DEFAULT_LISTEN_PORT } from '../../shared/gateway/gateway-options.ts';
import { DEFAULT_RELOADER_STATUS_PORT } from '../../shared/gateway/reloader-pod-layout.ts';
import { parseWebhookOptions } from '../../webhook/config/webhook-options.ts';
import { CHART_DIR, KUBE_VERSION, renderChart, renderRefusal, runHelm, withValuesFile } from './helm.ts';
import { VALUE_SETS } from './modes.ts';
import type { NetworkPolicy, Peer, Rule } from './network-policies.ts';
import { readmeNetworkPolicies, selects } from './network-policies.ts';
import type { Deployment, RenderedObject } from './rendered-objects.ts';
import { containerPort, findObject, objectsOfKind } from './rendered-objects.ts';

const RELEASE = 'ai-gateway-operator';
const NAMESPACE = 'ai-gateway-operator';
const CONTROLLER = `${RELEASE}-controller`;
const WEBHOOK = `${RELEASE}-webhook`;

const namespaceLabels = (name: string) => ({ 'kubernetes.io/metadata.name': name });
const podLabels = (deployment: Deployment) => deployment.spec.template.metadata.labels;
const ruleOn = (rules: readonly Rule[] | undefined, port: number) =>
  (rules ?? []).filter((r) => r.ports?.some((p) => p.port === port));
const ports = (rule: Rule) => (rule.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).sort();

const MONITORING: Peer[] = [
  {
    namespaceSelector: { matchLabels: namespaceLabels('monitoring') },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
  },
];
const CONTROL_PLANE: Peer[] = [{ ipBlock: { cidr: '10.0.0.0/28' } }];
const API_SERVER = ['10.0.0.2/32', '10.0.0.3/32'];
const EVERYTHING = {
  networkPolicy: {
    enabled: true,
    webhookFrom: CONTROL_PLANE,
    metricsFrom: MONITORING,
    egress: { enabled: true, apiServer: { cidrs: API_SERVER, ports: [6443] } },
  },
};

async function render(values: Record<string, unknown>): Promise<RenderedObject[]> {
  return renderChart({ release: RELEASE, namespace: NAMESPACE, values });
}

describe('NetworkPolicies', () => {
  it.each(Object.entries(VALUE_SETS))('are not rendered by default with %s', async (_, values) => {
    expect(objectsOfKind(await render(values), 'NetworkPolicy')).toEqual([]);
  });

  it('are not rendered with only egress or peers set', async () => {
    const { enabled: _, ...rest } = EVERYTHING.networkPolicy;
    expect(objectsOfKind(await render({ networkPolicy: rest }), 'NetworkPolicy')).toEqual([]);
  });

  describe('when enabled with their defaults', () => {
    let objects: RenderedObject[];
    let controller: Deployment;
    let webhook: Deployment;
    let controllerPolicy: NetworkPolicy;
    let webhookPolicy: NetworkPolicy;
    beforeAll(async () => {
      objects = await render({ networkPolicy: { enabled: true } });
      controller = findObject<Deployment>(objects, 'Deployment', CONTROLLER);
      webhook = findObject<Deployment>(objects, 'Deployment', WEBHOOK);
      controllerPolicy = findObject<NetworkPolicy>(objects, 'NetworkPolicy', CONTROLLER);
      webhookPolicy = findObject<NetworkPolicy>(objects, 'NetworkPolicy', WEBHOOK);
    });

    it('are one per Deployment, each in the release namespace selecting its pods only', () => {
      expect(objectsOfKind(objects, 'NetworkPolicy')).toHaveLength(2);
      for (const [policy, own, other] of [
        [controllerPolicy, controller, webhook],
        [webhookPolicy, webhook, controller],
      ] as const) {
        expect(policy.apiVersion).toBe('networking.k8s.io/v1');
        expect(policy.metadata.namespace).toBe(NAMESPACE);
        // The Deployment's own selector, which never changes across upgrades.
        expect(policy.spec.podSelector).toEqual({ matchLabels: own.spec.selector.matchLabels });
        expect(selects(policy.spec.podSelector, podLabels(own))).toBe(true);
        expect(selects(policy.spec.podSelector, podLabels(other))).toBe(false);
        expect(policy.metadata.labels?.['app.kubernetes.io/component']).toBe(
          own.metadata.labels?.['app.kubernetes.io/component'],
        );
      }
    });

    it('admit anyone to the webhook HTTPS port the process listens on, and nothing else', () => {
      const container = webhook.spec.template.spec.containers[0]!;
      const options = parseWebhookOptions(container.args!.slice(1), { POD_NAMESPACE: NAMESPACE });
      expect(containerPort(container, 'https')).toBe(options.port);
      expect(webhookPolicy.spec.policyTypes).toEqual(['Ingress']);
      // No `from`: every source, the API server included wherever it runs.
      expect(webhookPolicy.spec.ingress).toEqual([{ ports: [{ port: options.port, protocol: 'TCP' }] }]);
      expect(webhookPolicy.spec.egress).toBeUndefined();
    });

    it('admit no one to the controller', () => {
      expect(controllerPolicy.spec.policyTypes).toEqual(['Ingress']);
      expect(controllerPolicy.spec.ingress).toEqual([]);
      expect(controllerPolicy.spec.egress).toBeUndefined();
    });
  });

  describe('with peers and egress', () => {
    let objects: RenderedObject[];
    let controller: Deployment;
    let webhook: Deployment;
    let controllerPolicy: NetworkPolicy;
    let webhookPolicy: NetworkPolicy;
    beforeAll(async () => {
      objects = await render(EVERYTHING);
      controller = findObject<Deployment>(objects, 'Deployment', CONTROLLER);
      webhook = findObject<Deployment>(objects, 'Deployment', WEBHOOK);
      controllerPolicy = findObject<NetworkPolicy>(objects, 'NetworkPolicy', CONTROLLER);
      webhookPolicy = findObject<NetworkPolicy>(objects, 'NetworkPolicy', WEBHOOK);
    });

    it('admit webhookFrom to the HTTPS port and metricsFrom to the health port of the webhook', () => {
      const container = webhook.spec.template.spec.containers[0]!;
      const https = containerPort(container, 'https');
      const health = containerPort(container, 'metrics');
      expect(container.readinessProbe?.httpGet?.port).toBe('metrics');
      expect(webhookPolicy.spec.ingress).toEqual([
        { from: CONTROL_PLANE, ports: [{ port: https, protocol: 'TCP' }] },
        { from: MONITORING, ports: [{ port: health, protocol: 'TCP' }] },
      ]);
    });

    it('admit metricsFrom to the metrics and health ports of the controller, and nothing else', () => {
      const container = controller.spec.template.spec.containers[0]!;
      expect(controllerPolicy.spec.ingress).toEqual([
        {
          from: MONITORING,
          ports: [
            { port: containerPort(container, 'metrics'), protocol: 'TCP' },
            { port: containerPort(container, 'health'), protocol: 'TCP' },
          ],
        },
      ]);
    });

    it('let both processes reach the API server and the cluster DNS only', () => {
      for (const policy of [controllerPolicy, webhookPolicy]) {
        expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
        const egress = policy.spec.egress ?? [];
        expect(ruleOn(egress, 6443)).toEqual([
          { to: API_SERVER.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 6443, protocol: 'TCP' }] },
        ]);
        const [dns, ...more] = ruleOn(egress, 53);
        expect(more).toEqual([]);
        expect(ports(dns!)).toEqual(['53/TCP', '53/UDP']);
        expect(dns!.to).toHaveLength(1);
        const [server] = dns!.to!;
        expect(selects(server!.namespaceSelector, namespaceLabels('kube-system'))).toBe(true);
        expect(selects(server!.podSelector, { 'k8s-app': 'kube-dns' })).toBe(true);
      }
      expect(webhookPolicy.spec.egress).toHaveLength(2);
    });

    it("let the controller reach the gateway pods' reloaders, in every namespace, on the port it reads", () => {
      const container = controller.spec.template.spec.containers[0]!;
      const config = parseControllerConfig(container.args!.slice(1), { POD_NAMESPACE: NAMESPACE });
      expect(config.gatewayReloaderPort).toBe(DEFAULT_RELOADER_STATUS_PORT);
      const [rule, ...more] = ruleOn(controllerPolicy.spec.egress, config.gatewayReloaderPort);
      expect(more).toEqual([]);
      expect(ports(rule!)).toEqual([`${config.gatewayReloaderPort}/TCP`]);
      expect(rule!.to).toHaveLength(1);
      const [gateways] = rule!.to!;
      expect(gateways!.namespaceSelector).toEqual({});
      expect(selects(gateways!.podSelector, gatewayLabels('default'))).toBe(true);
      expect(selects(gateways!.podSelector, modelLabels('default'))).toBe(false);
      expect(controllerPolicy.spec.egress).toHaveLength(3);
    });
  });

  it("follow the controller's watched namespaces and reloader port", async () => {
    const objects = await render({
      ...EVERYTHING,
      controller: { watchNamespaces: ['team-a', 'team-b'], extraArgs: ['--gateway-reloader-port=9911'] },
    });
    const controller = findObject<Deployment>(objects, 'Deployment', CONTROLLER);
    const config = parseControllerConfig(controller.spec.template.spec.containers[0]!.args!.slice(1), {
      POD_NAMESPACE: NAMESPACE,
    });
    expect(config.gatewayReloaderPort).toBe(9911);
    const policy = findObject<NetworkPolicy>(objects, 'NetworkPolicy', CONTROLLER);
    const [rule] = ruleOn(policy.spec.egress, 9911);
    const namespaces = rule!.to![0]!.namespaceSelector;
    for (const namespace of config.namespaces)
      expect(selects(namespaces, namespaceLabels(namespace))).toBe(true);
    expect(selects(namespaces, namespaceLabels('team-c'))).toBe(false);
    expect(ruleOn(policy.spec.egress, DEFAULT_RELOADER_STATUS_PORT)).toEqual([]);
  });

  it('add extraRules and allow DNS anywhere or not at all', async () => {
    const proxy = { to: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ port: 3128, protocol: 'TCP' }] };
    const egress = (dns: Record<string, unknown>) =>
      render({
        networkPolicy: {
          ...EVERYTHING.networkPolicy,
          egress: { ...EVERYTHING.networkPolicy.egress, dns, extraRules: [proxy] },
        },
      }).then((objects) => findObject<NetworkPolicy>(objects, 'NetworkPolicy', WEBHOOK).spec.egress ?? []);
    const anywhere = await egress({ to: [] });
    expect(ruleOn(anywhere, 53)).toEqual([
      {
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
    ]);
    expect(ruleOn(anywhere, 3128)).toEqual([proxy]);
    const none = await egress({ enabled: false });
    expect(ruleOn(none, 53)).toEqual([]);
    expect(none).toHaveLength(2);
  });

  it('cover only the controller when the webhook runs outside the cluster', async () => {
    const objects = await render({ ...VALUE_SETS.externalURL, ...EVERYTHING });
    expect(objectsOfKind(objects, 'NetworkPolicy').map((o) => o.metadata.name)).toEqual([CONTROLLER]);
  });

  it('pass helm lint --strict', async () => {
    const { stdout } = await withValuesFile(EVERYTHING, (file) =>
      runHelm(['lint', '--strict', '--kube-version', KUBE_VERSION, CHART_DIR, '--values', file]),
    );
    expect(stdout).toContain('0 chart(s) failed');
    expect(stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
  });

  it.each([
    [
      'egress without the API server',
      { networkPolicy: { enabled: true, egress: { enabled: true } } },
      'networkPolicy.egress.enabled needs networkPolicy.egress.apiServer.cidrs',
    ],
    [
      'egress without API server ports',
      {
        networkPolicy: {
          enabled: true,
          egress: { enabled: true, apiServer: { cidrs: API_SERVER, ports: [] } },
        },
      },
      'networkPolicy.egress.enabled needs networkPolicy.egress.apiServer.ports',
    ],
    [
      'an address that is no CIDR',
      { networkPolicy: { webhookFrom: [{ ipBlock: { cidr: '10.0.0.1' } }] } },
      "at '/networkPolicy/webhookFrom/0/ipBlock/cidr'",
    ],
    [
      'an ipBlock with a selector',
      {
        networkPolicy: {
          metricsFrom: [{ ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: { matchLabels: {} } }],
        },
      },
      "at '/networkPolicy/metricsFrom/0'",
    ],
    [
      'a misspelt peer',
      { networkPolicy: { metricsFrom: [{ namespaceSelectors: {} }] } },
      "at '/networkPolicy/metricsFrom/0': additional properties 'namespaceSelectors' not allowed",
    ],
  ])('refuse %s', async (_, values, message) => {
    expect(await renderRefusal({ values })).toContain(message);
  });
});

describe("the chart README's policies for the gateway and model pods", () => {
  const policies = readmeNetworkPolicies();
  const gatewayPods = gatewayLabels('default');
  const modelPods = modelLabels('llama');
  const gatewayPolicy = policies.find((p) => selects(p.spec.podSelector, gatewayPods));
  const modelPolicy = policies.find((p) => selects(p.spec.podSelector, modelPods));

  it('select the gateway pods and the model pods the controller labels, each only its own', () => {
    expect(policies).toHaveLength(2);
    expect(gatewayPolicy).toBeDefined();
    expect(modelPolicy).toBeDefined();
    expect(selects(gatewayPolicy!.spec.podSelector, modelPods)).toBe(false);
    expect(selects(modelPolicy!.spec.podSelector, gatewayPods)).toBe(false);
  });

  it("admit clients to nginx's port and the chart's controller to the reloader's", async () => {
    const objects = await render({});
    const controllerPods = podLabels(findObject<Deployment>(objects, 'Deployment', CONTROLLER));
    const [clients] = ruleOn(gatewayPolicy!.spec.ingress, DEFAULT_LISTEN_PORT);
    expect(clients?.from).toBeDefined();
    const [status, ...more] = ruleOn(gatewayPolicy!.spec.ingress, DEFAULT_RELOADER_STATUS_PORT);
    expect(more).toEqual([]);
    expect(
      status!.from!.some(
        (peer) =>
          selects(peer.namespaceSelector, namespaceLabels(NAMESPACE)) &&
          selects(peer.podSelector, controllerPods),
      ),
    ).toBe(true);
  });

  it("let the gateways reach DNS and the models' port, and admit only gateways to the models", () => {
    const dns = ruleOn(gatewayPolicy!.spec.egress, 53);
    expect(dns.flatMap(ports).sort()).toEqual(['53/TCP', '53/UDP']);
    const [models] = ruleOn(gatewayPolicy!.spec.egress, DEFAULT_MODEL_PORT).filter((r) =>
      r.to?.some((peer) => selects(peer.podSelector, modelPods)),
    );
    expect(models).toBeDefined();
    expect(modelPolicy!.spec.ingress).toHaveLength(1);
    const [fromGateways] = ruleOn(modelPolicy!.spec.ingress, DEFAULT_MODEL_PORT);
    expect(fromGateways!.from!.every((peer) => selects(peer.podSelector, gatewayPods))).toBe(true);
    expect(fromGateways!.from!.every((peer) => !selects(peer.podSelector, modelPods))).toBe(true);
    expect(modelPolicy!.spec.policyTypes).toContain('Egress');
  });
});
