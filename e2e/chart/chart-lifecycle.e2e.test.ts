// helm install, upgrade and uninstall on a real API server. Both processes run on this machine with the
// chart's flags and the credentials of the chart's ServiceAccounts (the webhook through
// webhook.externalURL, the way a developer runs it), which proves the chart's RBAC is enough for them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_KINDS, crdName } from '../../shared/api/kinds.ts';
import { CHART_DIR, renderChart, withValuesFile } from '../../test/chart/helm.ts';
import type { Deployment, RenderedObject, WebhookConfiguration } from '../../test/chart/rendered-objects.ts';
import { findObject } from '../../test/chart/rendered-objects.ts';
import { CommandError } from '../cluster/errors.ts';
import { freeLoopbackPorts } from '../cluster/free-ports.ts';
import { writeServiceAccountKubeconfig } from '../cluster/service-account-access.ts';
import { applyYAML, e2eKubectl, helm, kubectl, waitFor } from '../setup/cluster-env.ts';
import { replaceFlags, startOperatorProcess } from './operator-process.ts';
import type { OperatorProcess } from './operator-process.ts';
import { describeRef, existingObjects, refOf } from './release-objects.ts';
import { createRestrictedNamespace } from './restricted-namespace.ts';

const RELEASE = 'ago-e2e';
const NAMESPACE = 'ago-e2e';
/** Where the test's APIGatewayRoutes and AIModels live: any namespace but the operator's. */
const WORKLOADS = 'ago-e2e-workloads';
const FULLNAME = `${RELEASE}-ai-gateway-operator`;
const CONTROLLER = `${FULLNAME}-controller`;
const WEBHOOK = `${FULLNAME}-webhook`;
const CRDS = API_KINDS.map(crdName);
/** Per step: helm --wait, a process start or an uninstall each take up to a couple of minutes. */
const STEP_TIMEOUT_MS = 180_000;
/** The line of NOTES.txt that says how to run the webhook outside the cluster. */
const WEBHOOK_COMMAND = /^\s*node (dist\/webhook\/main\.js .*) --kubeconfig=<that kubeconfig>$/m;

async function commandFailure(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (err) {
    if (err instanceof CommandError) return err.stderr;
    throw err;
  }
  throw new Error('the command succeeded; it was expected to be refused');
}

async function getJSON<T>(args: readonly string[]): Promise<T> {
  return JSON.parse(await kubectl(['get', ...args, '-o', 'json'])) as T;
}

/** helm install/upgrade --wait; when it gives up, the error shows what the workloads were doing. */
async function helmWithValues(
  command: 'install' | 'upgrade',
  values: Record<string, unknown>,
): Promise<string> {
  const args = [command, RELEASE, CHART_DIR, '--namespace', NAMESPACE, '--wait', '--timeout', '120s'];
  try {
    return await withValuesFile(values, (file) => helm([...args, '--values', file]));
  } catch (err) {
    const state = await kubectl([
      'get',
      'deployments,replicasets,pods,events',
      '-n',
      NAMESPACE,
      '-o',
      'wide',
    ]).catch((e: unknown) => `(cannot list: ${(e as Error).message})`);
    throw new Error(`helm ${command} failed: ${(err as Error).message}\nnamespace ${NAMESPACE}:\n${state}`, {
      cause: err,
    });
  }
}

async function availableReplicas(name: string): Promise<number> {
  const deployment = await getJSON<{ status?: { availableReplicas?: number } }>([
    'deployment',
    name,
    '-n',
    NAMESPACE,
  ]);
  return deployment.status?.availableReplicas ?? 0;
}

/** Every caBundle the API server uses to call the webhook: each webhook entry, then each CRD. */
async function caBundles(): Promise<string[]> {
  const bundles: string[] = [];
  for (const [kind, name] of [
    ['validatingwebhookconfiguration', `${FULLNAME}-validating`],
    ['mutatingwebhookconfiguration', `${FULLNAME}-mutating`],
  ]) {
    const config = await getJSON<WebhookConfiguration>([kind!, name!]);
    bundles.push(...config.webhooks.map((w) => w.clientConfig.caBundle ?? ''));
  }
  for (const crd of CRDS) {
    const object = await getJSON<{
      spec: { conversion: { webhook: { clientConfig: { caBundle?: string } } } };
    }>(['crd', crd]);
    bundles.push(object.spec.conversion.webhook.clientConfig.caBundle ?? '');
  }
  return bundles;
}

async function certificateSecretData(): Promise<Record<string, string>> {
  return (
    (await getJSON<{ data?: Record<string, string> }>(['secret', `${WEBHOOK}-certs`, '-n', NAMESPACE]))
      .data ?? {}
  );
}

async function leaseHolder(): Promise<string> {
  return (
    (await getJSON<{ spec?: { holderIdentity?: string } }>(['lease', CONTROLLER, '-n', NAMESPACE])).spec
      ?.holderIdentity ?? ''
  );
}

/** `kubectl auth can-i` as a ServiceAccount of the release. */
async function canI(serviceAccount: string, args: readonly string[]): Promise<boolean> {
  const as = `--as=system:serviceaccount:${NAMESPACE}:${serviceAccount}`;
  try {
    return (await kubectl(['auth', 'can-i', as, ...args])).trim() === 'yes';
  } catch (err) {
    if (err instanceof CommandError && err.exitCode === 1) return false;
    throw err;
  }
}

describe('the chart on a cluster', () => {
  let workDir: string;
  let ports: Record<'webhook' | 'webhookHealth' | 'controllerHealth' | 'controllerMetrics', number>;
  let values: Record<string, unknown>;
  let release: RenderedObject[];
  let notes: string;
  let webhook: OperatorProcess | undefined;
  let controller: OperatorProcess | undefined;
  /** Each CRD's conversion clientConfig before this test pointed it at the local webhook. */
  const originalClientConfigs = new Map<string, unknown>();

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'chart-e2e-'));
    ports = await freeLoopbackPorts([
      'webhook',
      'webhookHealth',
      'controllerHealth',
      'controllerMetrics',
    ] as const);
    values = {
      webhook: { externalURL: `https://127.0.0.1:${ports.webhook}`, ports: { health: ports.webhookHealth } },
    };
    await createRestrictedNamespace(NAMESPACE);
    await applyYAML(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: WORKLOADS } }));
  }, STEP_TIMEOUT_MS);

  afterAll(async () => {
    const steps: (() => Promise<unknown>)[] = [
      () => kubectl(['delete', 'apigatewayroutes,aimodels', '--all', '-n', WORKLOADS, '--ignore-not-found']),
      async () => controller?.stop(),
      async () => webhook?.stop(),
      () => helm(['uninstall', RELEASE, '--namespace', NAMESPACE, '--ignore-not-found', '--wait']),
      ...[...originalClientConfigs].map(([crd, clientConfig]) => () => {
        const restore = [
          { op: 'replace', path: '/spec/conversion/webhook/clientConfig', value: clientConfig },
        ];
        return kubectl(['patch', 'crd', crd, '--type=json', '-p', JSON.stringify(restore)]);
      }),
      () => kubectl(['delete', 'namespace', NAMESPACE, WORKLOADS, '--ignore-not-found', '--wait=false']),
      () => rm(workDir, { recursive: true, force: true }),
    ];
    // Every step runs, so that one failure does not leave the cluster dirty for the next test file.
    for (const step of steps)
      await step().catch((err: unknown) => console.error(`cleanup: ${(err as Error).message}`));
  }, STEP_TIMEOUT_MS);

  it(
    'installs every object of the release, and the controller becomes available under "restricted"',
    async () => {
      notes = await helmWithValues('install', values);
      for (const crd of CRDS) expect(notes).toContain(`kubectl patch crd ${crd}`);
      release = await renderChart({ release: RELEASE, namespace: NAMESPACE, values });
      const refs = release.map(refOf);
      expect((await existingObjects(refs)).map(describeRef)).toEqual(refs.map(describeRef));
      await kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...CRDS.map((c) => `crd/${c}`)]);
      // helm --wait looks at the ReplicaSet's ready pods; the Deployment controller reports them a moment later.
      await waitFor(async () => (await availableReplicas(CONTROLLER)) === 1, {
        description: `Deployment ${NAMESPACE}/${CONTROLLER} to have 1 available replica`,
        timeoutMs: 60_000,
      });
      expect(await leaseHolder()).toBe('');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "serves admission and conversion from the webhook run with NOTES.txt's command line",
    async () => {
      for (const crd of CRDS) {
        const object = await getJSON<{ spec: { conversion: { webhook: { clientConfig: unknown } } } }>([
          'crd',
          crd,
        ]);
        originalClientConfigs.set(crd, object.spec.conversion.webhook.clientConfig);
        const url = `https://127.0.0.1:${ports.webhook}/convert`;
        const patch = { spec: { conversion: { webhook: { clientConfig: { service: null, url } } } } };
        // What NOTES.txt tells a developer to run: Helm does not template CRDs.
        expect(notes).toContain(`kubectl patch crd ${crd} --type=merge -p '${JSON.stringify(patch)}'`);
        await kubectl(['patch', 'crd', crd, '--type=merge', '-p', JSON.stringify(patch)]);
      }
      const command = WEBHOOK_COMMAND.exec(notes)?.[1];
      if (!command) throw new Error(`NOTES.txt gives no webhook command line:\n${notes}`);
      const [script, ...flags] = command.split(' ');
      expect(script).toBe('dist/webhook/main.js');
      const kubeconfig = join(workDir, 'webhook.kubeconfig');
      await writeServiceAccountKubeconfig(e2eKubectl(), NAMESPACE, WEBHOOK, kubeconfig);
      webhook = await startOperatorProcess({
        script: 'webhook/main.ts',
        args: replaceFlags(flags, [
          `--kubeconfig=${kubeconfig}`,
          '--bind-address=127.0.0.1',
          `--health-probe-bind-address=127.0.0.1:${ports.webhookHealth}`,
        ]),
        logPath: join(workDir, 'webhook.log'),
        healthPort: ports.webhookHealth,
      });

      // Ready means: the chart's empty Secret holds a CA and certificate, and the CA is in every caBundle.
      expect(Object.keys(await certificateSecretData())).toEqual(
        expect.arrayContaining(['tls.crt', 'tls.key', 'ca.crt']),
      );
      const bundles = await caBundles();
      expect(bundles).toHaveLength(2 * API_KINDS.length + CRDS.length);
      expect(new Set(bundles).size).toBe(1);
      expect(bundles[0]).not.toBe('');

      const model = (name: string, spec: Record<string, unknown> = {}) =>
        JSON.stringify({
          apiVersion: 'ai.example.com/v1',
          kind: 'AIModel',
          metadata: { name, namespace: WORKLOADS },
          spec: {
            modelName: 'm',
            modelProvider: 'Custom',
            modelType: 'LLM',
            image: 'registry.local/model:1',
            ...spec,
          },
        });
      const legacyRoute = JSON.stringify({
        apiVersion: 'gateway.example.com/v1alpha1',
        kind: 'APIGatewayRoute',
        metadata: { name: 'legacy', namespace: WORKLOADS },
        spec: { path: '/v1/sentiment', targetService: 'sentiment:8080', authentication: false },
      });
      // The API server picks the injected CA bundle up asynchronously, for admission and for conversion
      // apart: wait until a dry run of a v1alpha1 route (admitted, then converted to v1) goes through.
      await waitFor(
        async () => {
          await applyYAML(legacyRoute, ['--dry-run=server']);
          return true;
        },
        {
          description: 'the API server to call the webhook for admission and conversion',
          timeoutMs: 60_000,
          intervalMs: 500,
        },
      );

      // A rule only the webhook knows: the CRD schema cannot compare quantities.
      const refusal = await commandFailure(
        applyYAML(model('over-limit', { resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } })),
      );
      expect(refusal).toContain(
        'spec.resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1',
      );
      // Defaults only the webhook sets: the CRD schema has none for these.
      await applyYAML(model('defaulted'));
      const stored = await getJSON<{ spec: Record<string, unknown> }>([
        'aimodels.v1.ai.example.com',
        'defaulted',
        '-n',
        WORKLOADS,
      ]);
      expect(stored.spec).toMatchObject({ replicas: 1, port: 8080 });

      await applyYAML(legacyRoute);
      const route = await getJSON<{ apiVersion: string; spec: Record<string, unknown> }>([
        'apigatewayroutes.v1.gateway.example.com',
        'legacy',
        '-n',
        WORKLOADS,
      ]);
      expect(route.apiVersion).toBe('gateway.example.com/v1');
      expect(route.spec).toMatchObject({
        destinationService: 'sentiment',
        destinationPort: 8080,
        method: 'ANY',
      });

      // A Service that does not exist is a warning, which needs the webhook's read access to Services.
      const warning = await commandFailure(
        applyYAML(
          JSON.stringify({
            apiVersion: 'gateway.example.com/v1',
            kind: 'APIGatewayRoute',
            metadata: { name: 'dangling', namespace: WORKLOADS },
            spec: { path: '/x', method: 'GET', destinationService: 'no-such-service', destinationPort: 80 },
          }),
          ['--dry-run=server', '--warnings-as-errors'],
        ),
      );
      expect(warning).toContain('Service "no-such-service" not found');
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "reconciles with the chart's controller flags as its ServiceAccount, holding the chart's Lease",
    async () => {
      const [script, ...flags] = findObject<Deployment>(release, 'Deployment', CONTROLLER).spec.template.spec
        .containers[0]!.args!;
      expect(script).toBe('dist/controller/main.js');
      const kubeconfig = join(workDir, 'controller.kubeconfig');
      await writeServiceAccountKubeconfig(e2eKubectl(), NAMESPACE, CONTROLLER, kubeconfig);
      controller = await startOperatorProcess({
        script: 'controller/main.ts',
        args: replaceFlags(flags, [
          `--kubeconfig=${kubeconfig}`,
          `--health-probe-bind-address=127.0.0.1:${ports.controllerHealth}`,
          `--metrics-bind-address=127.0.0.1:${ports.controllerMetrics}`,
        ]),
        logPath: join(workDir, 'controller.log'),
        healthPort: ports.controllerHealth,
      });
      await waitFor(async () => (await leaseHolder()) !== '', {
        description: `the controller to hold Lease ${NAMESPACE}/${CONTROLLER}`,
        timeoutMs: 30_000,
      });
      // Server-side apply of new children, status writes and Events, across namespaces.
      await kubectl(['wait', '--for=condition=Ready', '--timeout=90s', 'aimodel/defaulted', '-n', WORKLOADS]);
      for (const kind of ['deployment', 'service', 'configmap'])
        await kubectl(['get', kind, 'aim-defaulted', '-n', WORKLOADS]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'grants each ServiceAccount what its process needs and nothing around it',
    async () => {
      const cases: [string, string[], boolean][] = [
        [CONTROLLER, ['patch', 'deployments.apps', '-n', 'default'], true],
        [CONTROLLER, ['create', 'configmaps', '-n', 'kube-public'], true],
        [
          CONTROLLER,
          ['update', 'apigatewayroutes.gateway.example.com', '--subresource=status', '-n', 'default'],
          true,
        ],
        [CONTROLLER, ['update', 'apigatewayroutes.gateway.example.com', '-n', 'default'], false],
        // It reads the API-key Secrets routes name, one by one: never lists or watches Secrets.
        [CONTROLLER, ['get', 'secrets', '-n', 'default'], true],
        [CONTROLLER, ['list', 'secrets', '-n', 'default'], false],
        [CONTROLLER, ['watch', 'secrets', '-n', 'default'], false],
        [CONTROLLER, ['update', 'secrets', '-n', 'default'], false],
        [CONTROLLER, ['update', `leases.coordination.k8s.io/${CONTROLLER}`, '-n', NAMESPACE], true],
        [CONTROLLER, ['update', 'leases.coordination.k8s.io/someone-else', '-n', NAMESPACE], false],
        [CONTROLLER, ['create', 'leases.coordination.k8s.io', '-n', NAMESPACE], false],
        [WEBHOOK, ['update', `secrets/${WEBHOOK}-certs`, '-n', NAMESPACE], true],
        [WEBHOOK, ['create', 'secrets', '-n', NAMESPACE], false],
        [WEBHOOK, ['update', 'secrets/other', '-n', NAMESPACE], false],
        [WEBHOOK, ['list', 'secrets', '-n', 'default'], false],
        // Reference warnings about Secrets are off by default, and so is reading them.
        [WEBHOOK, ['get', 'secrets', '-n', 'default'], false],
        [WEBHOOK, ['get', 'services', '-n', 'default'], true],
        [
          WEBHOOK,
          ['update', `validatingwebhookconfigurations.admissionregistration.k8s.io/${FULLNAME}-validating`],
          true,
        ],
        [
          WEBHOOK,
          ['update', 'validatingwebhookconfigurations.admissionregistration.k8s.io/someone-else'],
          false,
        ],
        [WEBHOOK, ['update', `customresourcedefinitions.apiextensions.k8s.io/${CRDS[0]}`], true],
        [WEBHOOK, ['update', 'customresourcedefinitions.apiextensions.k8s.io/leases.example.org'], false],
        [WEBHOOK, ['create', 'apigatewayroutes.gateway.example.com', '-n', 'default'], false],
      ];
      const answers = await Promise.all(cases.map(([sa, args]) => canI(sa, args)));
      expect(cases.map(([sa, args], i) => `${sa} ${args.join(' ')}: ${answers[i]}`)).toEqual(
        cases.map(([sa, args, allowed]) => `${sa} ${args.join(' ')}: ${allowed}`),
      );
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'upgrades in place, keeping the injected CA, the webhook certificate and the Lease holder',
    async () => {
      const bundlesBefore = await caBundles();
      const secretBefore = await certificateSecretData();
      const holderBefore = await leaseHolder();
      await helmWithValues('upgrade', { ...values, logLevel: 'debug', controller: { replicas: 2 } });
      // Read at once: the webhook would repair a reset caBundle, but only after an outage.
      expect(await caBundles()).toEqual(bundlesBefore);
      expect(await certificateSecretData()).toEqual(secretBefore);
      expect(await leaseHolder()).toBe(holderBefore);
      const deployment = await getJSON<Deployment>(['deployment', CONTROLLER, '-n', NAMESPACE]);
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.template.spec.containers[0]?.args).toContain('--log-level=debug');
      await waitFor(async () => (await availableReplicas(CONTROLLER)) === 2, {
        description: `Deployment ${NAMESPACE}/${CONTROLLER} to have 2 available replicas`,
        timeoutMs: 60_000,
      });
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'uninstalls every object of the release but the CRDs',
    async () => {
      await kubectl(['delete', 'apigatewayroutes,aimodels', '--all', '-n', WORKLOADS]);
      await controller?.stop();
      await webhook?.stop();
      controller = undefined;
      webhook = undefined;
      await helm(['uninstall', RELEASE, '--namespace', NAMESPACE, '--wait']);
      const left = await waitFor(
        async () => {
          const found = await existingObjects(release.map(refOf));
          return found.length === 0 ? found : undefined;
        },
        { description: `the objects of release ${RELEASE} to be gone`, timeoutMs: 60_000 },
      );
      expect(left).toEqual([]);
      // The Deployments' ReplicaSets and pods go after them, deleted by the garbage collector.
      await waitFor(
        async () => {
          const labelled = await kubectl([
            'get',
            'all,secrets,configmaps,serviceaccounts,roles,rolebindings,leases',
            '-n',
            NAMESPACE,
            '-l',
            `app.kubernetes.io/instance=${RELEASE}`,
            '-o',
            'name',
          ]);
          if (labelled.trim() !== '') throw new Error(`still there:\n${labelled}`);
          return true;
        },
        { description: `the labelled objects of release ${RELEASE} to be gone`, timeoutMs: 60_000 },
      );
      for (const crd of CRDS) await kubectl(['get', 'crd', crd]);
    },
    STEP_TIMEOUT_MS,
  );
});
