// The chart's alerts and dashboard against a real run: a real Prometheus scrapes the controller and the
// webhook on loopback, labelled as the chart's ServiceMonitor labels them, while routes and models are
// created, some refused by the webhook, one route in conflict with another, one naming a model that does
// not exist, and the webhook serving a certificate that expires in a day. The alerts of that scenario fire
// and no other does; every query of every dashboard panel returns data. The gateways export no metrics, so
// none is scraped. Each alert's `for` is cut to seconds, or the run would take a quarter of an hour; what the
// full durations mean is what alerts.promtool.yaml tests.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { HttpKubeApi } from '../../shared/kube/http/http-kube-api.ts';
import type { Condition, KubeObject } from '../../shared/api/meta.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { kubectl, waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from '../controller/support/controller-process.ts';
import { servedModel, serviceRoute } from '../controller/support/objects.ts';
import { deleteNamespace, prepareTestNamespace } from '../controller/support/operator-cluster.ts';
import { kubectlCapture } from '../webhook/support/kubectl-capture.ts';
import { startWebhookUnderTest } from '../webhook/support/webhook-under-test.ts';
import type { WebhookUnderTest } from '../webhook/support/webhook-under-test.ts';
import type { Dashboard } from './support/chart-monitoring.ts';
import {
  CONTROLLER_JOB,
  RELEASE_NAMESPACE,
  WEBHOOK_JOB,
  renderChartMonitoring,
} from './support/chart-monitoring.ts';
import type { PrometheusServer } from './support/prometheus-server.ts';
import { startPrometheus } from './support/prometheus-server.ts';

// A control plane, two operator processes, Prometheus and rollouts on a fake node: minutes, not seconds.
jest.setTimeout(300_000);

const SHORT_FOR = '3s';
/** What the dashboard's $__rate_interval stands for here: the whole run. */
const RATE_INTERVAL = '5m';

let api: HttpKubeApi;
let namespace: string;
let webhook: WebhookUnderTest | undefined;
let controller: ControllerProcess | undefined;
let prometheus: PrometheusServer | undefined;
let dashboard: Dashboard;

type Resource = KubeObject & { status?: { conditions?: Condition[] } };

async function routeReadyReason(name: string): Promise<string | undefined> {
  const route = await api.get<Resource>(API_GATEWAY_ROUTES, { namespace, name });
  return route.status?.conditions?.find((c) => c.type === 'Ready')?.reason;
}

/** The scenario, through the API server and so through the webhook. */
async function createObjects(): Promise<void> {
  await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'shop', { path: '/shop' }));
  // The same match on the same gateway, younger (or sorting after on the same second): left out.
  await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'twin', { path: '/shop' }));
  await api.create(API_GATEWAY_ROUTES, {
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { namespace, name: 'orphan' },
    spec: { path: '/chat', method: 'POST', aiModelRef: { name: 'no-such-model' } },
  });
  const legacy = await kubectlCapture(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'gateway.example.com/v1alpha1',
      kind: 'APIGatewayRoute',
      metadata: { namespace, name: 'legacy' },
      spec: { path: '/legacy', targetService: 'backend:8080', authentication: false },
    }),
  );
  expect(legacy).toMatchObject({ code: 0 });
  await api.create(AI_MODELS, servedModel(namespace, 'served'));
  await api.create(AI_MODELS, {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { namespace, name: 'external' },
    spec: {
      modelName: 'gpt',
      modelProvider: 'OpenAI',
      modelType: 'LLM',
      endpoint: 'https://models.example.com/v1',
    },
  });
  // Refused by the webhook: requests above limits, and a change of an immutable field.
  const greedy = servedModel(namespace, 'greedy', {
    resources: { requests: { cpu: '4' }, limits: { cpu: '2' } },
  });
  await expect(api.create(AI_MODELS, greedy)).rejects.toThrow(/spec\.resources\.requests\[cpu\]/);
  const renamed = await kubectlCapture([
    'patch',
    'aimodel',
    'served',
    '-n',
    namespace,
    '--type=merge',
    '-p',
    '{"spec":{"modelName":"other"}}',
  ]);
  expect(renamed.stderr).toContain('spec.modelName');
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('monitoring'));
  webhook = await startWebhookUnderTest({
    namespace,
    configurationPrefix: `monitoring-${randomBytes(3).toString('hex')}`,
    // Renewed after two thirds of a day: close to expiry all along.
    extraArgs: ['--cert-validity=24h'],
  });
  controller = await ControllerProcess.start({
    name: 'monitoring',
    args: [
      `--namespaces=${namespace}`,
      `--leader-election-namespace=${namespace}`,
      '--gateway-resolver=10.0.0.10',
    ],
  });
  const chart = await renderChartMonitoring();
  dashboard = chart.dashboard;
  prometheus = await startPrometheus(
    [
      { job: CONTROLLER_JOB, namespace: RELEASE_NAMESPACE, address: `127.0.0.1:${controller.port}` },
      { job: WEBHOOK_JOB, namespace: RELEASE_NAMESPACE, address: `127.0.0.1:${webhook.healthPort}` },
    ],
    chart.groups.map((group) => ({
      ...group,
      rules: group.rules.map((rule) => ({ ...rule, for: SHORT_FOR })),
    })),
  );
  // The API server takes the injected CA bundle up asynchronously.
  await waitFor(
    async () =>
      (
        await kubectlCapture(
          ['create', '--dry-run=server', '-f', '-'],
          JSON.stringify(serviceRoute(namespace, 'probe')),
        )
      ).code === 0,
    { description: 'the API server to call the webhook', timeoutMs: 60_000, intervalMs: 500 },
  );
  await createObjects();
  await kubectl([
    'wait',
    '-n',
    namespace,
    '--for=condition=Ready',
    '--timeout=120s',
    'agr/shop',
    'agr/legacy',
    'aim/served',
    'aim/external',
  ]);
  await waitFor(
    async () =>
      (await routeReadyReason('twin')) === 'RouteConflict' &&
      (await routeReadyReason('orphan')) === 'BackendNotFound',
    { description: 'twin to be RouteConflict and orphan BackendNotFound', timeoutMs: 60_000 },
  );
  // Reads in v1alpha1: conversion requests.
  await kubectl(['get', 'apigatewayroutes.v1alpha1.gateway.example.com', '-n', namespace, '-o', 'name']);
});

afterAll(async () => {
  await prometheus?.stop();
  await controller?.stop();
  await webhook?.stop();
  if (api) await deleteNamespace(api, namespace);
});

/** What tells one alert from another here: its name and the labels that say what it is about. */
function alertKey(labels: Record<string, string | undefined>): string {
  const about = [
    'kind',
    'resource_namespace',
    'reason',
    'certificate',
    'check',
    'controller',
    'name',
    'webhook',
  ];
  return JSON.stringify([labels.alertname, ...about.map((label) => labels[label] ?? null)]);
}

describe('a real Prometheus during a run', () => {
  it('scrapes the controller and the webhook', async () => {
    const up = await prometheus!.query('up');
    expect(up.map((s) => [s.metric.job, s.value[1]]).sort()).toEqual([
      [CONTROLLER_JOB, '1'],
      [WEBHOOK_JOB, '1'],
    ]);
    const [left] = await prometheus!.query(
      'ai_gateway_operator_webhook_certificate_expiration_timestamp_seconds{certificate="serving"} - time()',
    );
    expect(Number(left?.value[1])).toBeGreaterThan(23 * 3600);
    expect(Number(left?.value[1])).toBeLessThanOrEqual(24 * 3600);
  });

  it('fires the alerts of the scenario and no other', async () => {
    const expected = [
      {
        alertname: 'AIGatewayConfigRejected',
        resource_namespace: namespace,
        reason: 'RouteConflict',
      },
      {
        alertname: 'AIGatewayResourcesNotReady',
        kind: 'APIGatewayRoute',
        resource_namespace: namespace,
        reason: 'BackendNotFound',
      },
      { alertname: 'AIGatewayWebhookCertificateExpiring', certificate: 'serving' },
    ]
      .map(alertKey)
      .sort();
    const active = async () => {
      const alerts = await prometheus!.alerts();
      return {
        keys: alerts.map((a) => alertKey(a.labels)).sort(),
        firing: alerts.every((a) => a.state === 'firing'),
      };
    };
    let last: Awaited<ReturnType<typeof active>> | undefined;
    try {
      await waitFor(
        async () => {
          last = await active();
          return last.firing && JSON.stringify(last.keys) === JSON.stringify(expected);
        },
        { description: 'exactly the alerts of the scenario to fire', timeoutMs: 90_000, intervalMs: 1000 },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; active: ${JSON.stringify(last)}`, { cause: err });
    }
    // Still so after several more evaluations: no other alert was on its way.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(await active()).toEqual({ keys: expected, firing: true });
  });

  it('answers every query of every dashboard panel with data', async () => {
    const values: Record<string, string> = { __rate_interval: RATE_INTERVAL };
    const substitute = (text: string) =>
      text.replace(/\$(\w+)/g, (whole, name: string) => values[name] ?? whole);
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
      const [, match = '', label = ''] = /^label_values\((.*),\s*(\w+)\)$/.exec(substitute(query)) ?? [];
      const found = await prometheus!.labelValues(match, label);
      expect({ variable: variable.name, found }).toEqual({
        variable: variable.name,
        found: [expect.any(String)],
      });
      values[variable.name] = found[0]!;
    }
    expect(values).toMatchObject({
      namespace: RELEASE_NAMESPACE,
      controller: CONTROLLER_JOB,
      webhook: WEBHOOK_JOB,
    });

    const empty: string[] = [];
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      for (const target of panel.targets ?? []) {
        const samples = await prometheus!.query(substitute(target.expr));
        if (!samples.some((s) => Number.isFinite(Number(s.value[1]))))
          empty.push(`${panel.title} (${target.refId}): ${substitute(target.expr)}`);
      }
    }
    expect(empty).toEqual([]);

    // And the convergence panels tell what the run did: shop and legacy Ready of four routes, both models.
    const stat = async (title: string) => {
      const panel = dashboard.panels.find((p) => p.title === title);
      const answers = await Promise.all(
        (panel?.targets ?? []).map(async (t) => (await prometheus!.query(substitute(t.expr)))[0]?.value[1]),
      );
      return answers.map(Number);
    };
    expect(await stat('APIGatewayRoutes Ready')).toEqual([2, 4]);
    expect(await stat('AIModels Ready')).toEqual([2, 2]);
  });
});
