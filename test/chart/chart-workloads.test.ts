// The two Deployments: what they run, how they are probed, and that the processes accept their flags.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { CONTROLLER_NODE_OPTIONS } from '../../bench/controller/compiled-controller.ts';
import { parseControllerConfig } from '../../controller/config.ts';
import { parseWebhookOptions } from '../../webhook/config/webhook-options.ts';
import { renderChart, renderRefusal } from './helm.ts';
import { VALUE_SETS } from './modes.ts';
import type { Container, Deployment, RenderedObject } from './rendered-objects.ts';
import { containerPort, findObject, flagValue, objectsOfKind } from './rendered-objects.ts';
import { restrictedPodSecurityViolations } from './restricted-pod-security.ts';

const RELEASE = 'ai-gateway-operator';
const NAMESPACE = 'ai-gateway-operator';
const CONTROLLER = `${RELEASE}-controller`;
const WEBHOOK = `${RELEASE}-webhook`;

function onlyContainer(deployment: Deployment): Container {
  const { containers } = deployment.spec.template.spec;
  expect(containers).toHaveLength(1);
  return containers[0]!;
}

/** The flags after the script, and the pod's environment as the process would see it. */
function commandLine(container: Container): { script: string; flags: string[]; env: Record<string, string> } {
  const [script, ...flags] = container.args ?? [];
  const env: Record<string, string> = { POD_NAMESPACE: NAMESPACE, POD_NAME: 'pod-0' };
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return { script: script ?? '', flags, env };
}

/** The port of `host:port` or `:port`. */
function bindPort(address: string | undefined): number {
  return Number(address?.split(':').pop());
}

describe('workloads with default values', () => {
  let objects: RenderedObject[];
  let controller: Deployment;
  let webhook: Deployment;
  beforeAll(async () => {
    objects = await renderChart({ release: RELEASE, namespace: NAMESPACE });
    controller = findObject<Deployment>(objects, 'Deployment', CONTROLLER);
    webhook = findObject<Deployment>(objects, 'Deployment', WEBHOOK);
  });

  it('runs one controller and two webhook replicas from the same image', () => {
    expect(controller.spec.replicas).toBe(1);
    expect(webhook.spec.replicas).toBe(2);
    expect(onlyContainer(controller).image).toBe('ghcr.io/example/ai-gateway-operator:0.1.0');
    expect(onlyContainer(webhook).image).toBe(onlyContainer(controller).image);
  });

  it('starts each process from its compiled entry point', () => {
    expect(commandLine(onlyContainer(controller)).script).toBe('dist/controller/main.js');
    expect(commandLine(onlyContainer(webhook)).script).toBe('dist/webhook/main.js');
  });

  it('runs the controller with the Node options the controller benchmark measures', () => {
    expect(commandLine(onlyContainer(controller)).env['NODE_OPTIONS']).toBe(CONTROLLER_NODE_OPTIONS);
    expect(commandLine(onlyContainer(webhook)).env['NODE_OPTIONS']).toBeUndefined();
  });

  it('gives the controller flags it accepts, with leader election on a Lease in the release namespace', () => {
    const { flags, env } = commandLine(onlyContainer(controller));
    const config = parseControllerConfig(flags, env);
    expect(config).toMatchObject({
      leaderElect: true,
      leaderElectionID: CONTROLLER,
      leaderElectionNamespace: NAMESPACE,
      namespaces: [],
      gatewayImage: 'nginxinc/nginx-unprivileged:1.30',
      gatewayResolver: undefined,
      gatewayResources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      // The gateway pods' reloader runs from the chart's own image.
      gatewayReloaderImage: controller.spec.template.spec.containers[0]?.image,
      gatewayWorkerShutdownTimeoutSeconds: 300,
      gatewayTerminationGracePeriodSeconds: 330,
    });
  });

  it('gives the webhook flags it accepts, self-managing its certificate in the chart-created Secret', () => {
    const { flags, env } = commandLine(onlyContainer(webhook));
    const options = parseWebhookOptions(flags, env);
    expect(options).toMatchObject({
      certMode: 'self-managed',
      certSecretName: `${WEBHOOK}-certs`,
      certSecretNamespace: NAMESPACE,
      serviceName: WEBHOOK,
      serviceNamespace: NAMESPACE,
      injectCABundle: true,
      validatingWebhookConfiguration: `${RELEASE}-validating`,
      mutatingWebhookConfiguration: `${RELEASE}-mutating`,
      crds: ['apigatewayroutes.gateway.example.com', 'aimodels.ai.example.com'],
      referenceChecks: true,
      secretReferenceChecks: false,
    });
    findObject(objects, 'Secret', options.certSecretName);
    findObject(objects, 'ValidatingWebhookConfiguration', options.validatingWebhookConfiguration);
    findObject(objects, 'MutatingWebhookConfiguration', options.mutatingWebhookConfiguration);
  });

  it('refuses local egress in both processes by default, and allows any model image', () => {
    const controllerConfig = parseControllerConfig(commandLine(onlyContainer(controller)).flags, {});
    const webhookOptions = parseWebhookOptions(commandLine(onlyContainer(webhook)).flags, {});
    expect(controllerConfig.allowLocalEgress).toBe(false);
    expect(webhookOptions.admissionPolicy).toEqual({ allowLocalEgress: false, allowedModelImages: [] });
  });

  it('probes the controller where it serves /healthz and /readyz', () => {
    const container = onlyContainer(controller);
    const config = parseControllerConfig(commandLine(container).flags, {});
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      expect(containerPort(container, probe!.httpGet!.port)).toBe(config.healthProbeBindAddress.port);
    }
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(containerPort(container, 'metrics')).toBe(
      bindPort(flagValue(commandLine(container).flags, 'metrics-bind-address')),
    );
  });

  it('probes the webhook on its health port and routes the Service port 443 to its HTTPS port', () => {
    const container = onlyContainer(webhook);
    const options = parseWebhookOptions(commandLine(container).flags, {});
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      expect(containerPort(container, probe!.httpGet!.port)).toBe(options.healthProbeBindAddress.port);
    }
    const service = findObject<
      RenderedObject & { spec: { ports: { name: string; port: number; targetPort: string }[] } }
    >(objects, 'Service', WEBHOOK);
    const https = service.spec.ports.find((p) => p.port === 443);
    expect(containerPort(container, https!.targetPort)).toBe(options.port);
  });

  it("publishes the webhook's metrics through its Service only when a value says so", async () => {
    type Service = RenderedObject & { spec: { ports: { name: string }[] } };
    const portNames = (objects: readonly RenderedObject[]) =>
      findObject<Service>(objects, 'Service', WEBHOOK).spec.ports.map((p) => p.name);
    expect(portNames(objects)).toEqual(['https']);
    for (const values of [
      { webhook: { metricsThroughService: true } },
      { metrics: { serviceMonitor: { enabled: true } } },
    ]) {
      expect(portNames(await renderChart({ values }))).toEqual(['https', 'metrics']);
    }
  });

  it('meets the restricted Pod Security Standard with a read-only root filesystem', () => {
    for (const deployment of objectsOfKind<Deployment>(objects, 'Deployment')) {
      expect({
        [deployment.metadata.name]: restrictedPodSecurityViolations(deployment.spec.template.spec),
      }).toEqual({
        [deployment.metadata.name]: [],
      });
      expect(deployment.spec.template.spec.securityContext).toMatchObject({
        runAsUser: 65532,
        runAsGroup: 65532,
      });
    }
  });

  it('sets requests and a memory limit on both processes', () => {
    for (const deployment of [controller, webhook]) {
      const { resources } = onlyContainer(deployment);
      expect(resources?.requests).toEqual(
        expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
      );
      expect(resources?.limits?.memory).toEqual(expect.any(String));
    }
  });

  it('keeps the webhook available through rollouts and voluntary disruptions', () => {
    expect(webhook.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    const pdb = findObject<RenderedObject & { spec: Record<string, unknown> }>(
      objects,
      'PodDisruptionBudget',
      WEBHOOK,
    );
    expect(pdb.spec).toEqual({
      minAvailable: 1,
      // An unready replica serves nothing: evicting it never costs availability, and must not block a drain.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: { matchLabels: webhook.spec.selector.matchLabels },
    });
    expect(onlyContainer(webhook).lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
  });

  it('selects pods by labels their template carries', () => {
    for (const deployment of [controller, webhook]) {
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    }
  });
});

describe('workloads with other values', () => {
  it('leaves out the PodDisruptionBudget for a single webhook replica, which it would make undrainable', async () => {
    const objects = await renderChart({ values: { webhook: { replicas: 1 } } });
    expect(objectsOfKind(objects, 'PodDisruptionBudget')).toEqual([]);
  });

  it.each([
    [2, 2, 'webhook.podDisruptionBudget.minAvailable (2) must be less than webhook.replicas (2)'],
    [3, 5, 'webhook.podDisruptionBudget.minAvailable (5) must be less than webhook.replicas (3)'],
    [2, '100%', 'webhook.podDisruptionBudget.minAvailable (100%) rounds up to all of webhook.replicas (2)'],
    [2, '60%', 'webhook.podDisruptionBudget.minAvailable (60%) rounds up to all of webhook.replicas (2)'],
    [4, '150%', 'webhook.podDisruptionBudget.minAvailable (150%) rounds up to all of webhook.replicas (4)'],
  ])(
    'refuses a PodDisruptionBudget that would forbid every eviction: %s replicas, minAvailable %s',
    async (replicas, minAvailable, message) => {
      const stderr = await renderRefusal({
        values: { webhook: { replicas, podDisruptionBudget: { minAvailable } } },
      });
      expect(stderr).toContain(message);
    },
  );

  it.each([
    [2, 1],
    [3, 2],
    [2, '50%'],
    [4, '75%'],
    [3, 0],
  ])('accepts %s replicas with minAvailable %s', async (replicas, minAvailable) => {
    const objects = await renderChart({
      values: { webhook: { replicas, podDisruptionBudget: { minAvailable } } },
    });
    expect(
      findObject<RenderedObject & { spec: Record<string, unknown> }>(objects, 'PodDisruptionBudget').spec,
    ).toMatchObject({ minAvailable, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  it('does not check minAvailable where no PodDisruptionBudget is rendered', async () => {
    for (const webhook of [
      { replicas: 1, podDisruptionBudget: { minAvailable: 1 } },
      { replicas: 2, podDisruptionBudget: { enabled: false, minAvailable: 2 } },
      { replicas: 2, externalURL: 'https://127.0.0.1:9443', podDisruptionBudget: { minAvailable: 2 } },
    ]) {
      expect(objectsOfKind(await renderChart({ values: { webhook } }), 'PodDisruptionBudget')).toEqual([]);
    }
  });

  it('replaces the controller rather than rolling it without leader election, so two never reconcile at once', async () => {
    const withoutElection = await renderChart({
      values: { controller: { leaderElection: { enabled: false } } },
    });
    expect(findObject<Deployment>(withoutElection, 'Deployment', CONTROLLER).spec.strategy).toEqual({
      type: 'Recreate',
    });
    const withElection = await renderChart({ values: { controller: { replicas: 2 } } });
    expect(findObject<Deployment>(withElection, 'Deployment', CONTROLLER).spec.strategy).toMatchObject({
      type: 'RollingUpdate',
    });
  });

  it('passes the namespaces to watch, the gateway settings and extra flags to the controller', async () => {
    const objects = await renderChart({
      values: {
        gateway: { image: 'registry.local/nginx:1', resolver: '10.96.0.10' },
        controller: { replicas: 2, watchNamespaces: ['team-a', 'team-b'], extraArgs: ['--workers=8'] },
        logLevel: 'debug',
      },
    });
    const deployment = findObject<Deployment>(objects, 'Deployment', `${RELEASE}-controller`);
    expect(deployment.spec.replicas).toBe(2);
    const config = parseControllerConfig(commandLine(onlyContainer(deployment)).flags, {});
    expect(config).toMatchObject({
      namespaces: ['team-a', 'team-b'],
      gatewayImage: 'registry.local/nginx:1',
      gatewayResolver: '10.96.0.10',
      workers: 8,
      logLevel: 'debug',
    });
  });

  it('passes the gateway requests and limits as all four flags, empty where a value is removed', async () => {
    const objects = await renderChart({
      values: {
        gateway: { resources: { requests: { cpu: 0.25, memory: null }, limits: { cpu: 1, memory: '1Gi' } } },
      },
    });
    const { flags } = commandLine(onlyContainer(findObject<Deployment>(objects, 'Deployment', CONTROLLER)));
    expect(flags.filter((f) => /^--gateway-(cpu|memory)-/.test(f))).toEqual([
      '--gateway-cpu-request=0.25',
      '--gateway-memory-request=',
      '--gateway-cpu-limit=1',
      '--gateway-memory-limit=1Gi',
    ]);
    expect(parseControllerConfig(flags, {}).gatewayResources).toEqual({
      requests: { cpu: '0.25' },
      limits: { cpu: '1', memory: '1Gi' },
    });
  });

  it('gives security.allowLocalEgress and security.allowedModelImages to both processes', async () => {
    const objects = await renderChart({
      values: {
        security: {
          allowLocalEgress: true,
          allowedModelImages: ['registry.example.com/models/', 'ghcr.io/acme/'],
        },
      },
    });
    const flagsOf = (name: string) =>
      commandLine(onlyContainer(findObject<Deployment>(objects, 'Deployment', name))).flags;
    const controllerConfig = parseControllerConfig(flagsOf(CONTROLLER), {});
    expect(controllerConfig.allowLocalEgress).toBe(true);
    expect(controllerConfig.allowedModelImages.map((p) => p.text)).toEqual([
      'registry.example.com/models/',
      'ghcr.io/acme/',
    ]);
    const { admissionPolicy } = parseWebhookOptions(flagsOf(WEBHOOK), {});
    expect(admissionPolicy.allowLocalEgress).toBe(true);
    expect(admissionPolicy.allowedModelImages.map((p) => p.text)).toEqual([
      'registry.example.com/models/',
      'ghcr.io/acme/',
    ]);
  });

  it('passes no gateway requests or limits when the whole value is removed', async () => {
    const objects = await renderChart({ values: { gateway: { resources: null } } });
    const { flags } = commandLine(onlyContainer(findObject<Deployment>(objects, 'Deployment', CONTROLLER)));
    expect(parseControllerConfig(flags, {}).gatewayResources).toEqual({ requests: {}, limits: {} });
  });

  it('pins the image by digest when one is given', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const objects = await renderChart({
      values: { image: { repository: 'registry.local/ago', tag: '9.9.9', digest } },
    });
    for (const deployment of objectsOfKind<Deployment>(objects, 'Deployment')) {
      expect(onlyContainer(deployment).image).toBe(`registry.local/ago@${digest}`);
    }
  });

  it.each(Object.entries(VALUE_SETS))(
    'meets the restricted Pod Security Standard with %s',
    async (_, values) => {
      const objects = await renderChart({ values });
      for (const deployment of objectsOfKind<Deployment>(objects, 'Deployment')) {
        expect(restrictedPodSecurityViolations(deployment.spec.template.spec)).toEqual([]);
      }
    },
  );
});
