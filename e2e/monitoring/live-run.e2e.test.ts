// The chart's alerts and dashboard against a real run: a real Prometheus scrapes the controller and the
// webhook on loopback, labelled as the chart's ServiceMonitor labels them, while routes and models are
// created, some refused by the webhook, one route in conflict with another, one naming a model that does
// not exist, and the webhook serving a certificate that expires in a day. The gateway pods cannot run on
// the fake nodes, so a real nginx with njs plays one, rendered for an AI route to two OpenAI-compatible
// model servers on loopback, one of which fails every request, and is scraped as the chart's PodMonitor
// labels gateway pods. The alerts of that scenario fire and no other does; every query of every dashboard
// panel returns data. Each alert's `for` is cut to seconds, or the run would take a quarter of an hour; what
// the full durations mean is what alerts.promtool.yaml tests.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import type { Condition, KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { FIXTURE_NAMESPACE, aiModel, gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startFakeOpenAIBackend } from '../../test/nginx/fake-openai-backend.ts';
import type { FakeOpenAIBackend } from '../../test/nginx/fake-openai-backend.ts';
import { startGatewayUnderTest } from '../../test/nginx/gateway-under-test.ts';
import type { GatewayUnderTest } from '../../test/nginx/gateway-under-test.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
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
  GATEWAY_JOB,
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

let api: HTTPKubeAPI;
let namespace: string;
let webhook: WebhookUnderTest | undefined;
let controller: ControllerProcess | undefined;
let prometheus: PrometheusServer | undefined;
let dashboard: Dashboard;
let gateway: GatewayUnderTest | undefined;
let healthy: FakeOpenAIBackend | undefined;
let failing: FakeOpenAIBackend | undefined;

const MODEL_HOST = 'llm.example.test';
const TEAM_KEY = 'alpha-team-key-0123456789';
/** The AI route of the gateway, as its metrics name it. */
const AI_ROUTE = `${FIXTURE_NAMESPACE}/assistant`;

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

/**
 * A gateway pod's nginx: the route `assistant` (API keys, consumer `alpha`) reaches the AIModel `chat`,
 * whose server answers, and `flaky`, whose server answers every request 500.
 */
async function startAIGateway(): Promise<GatewayUnderTest> {
  healthy = await startFakeOpenAIBackend('healthy');
  failing = await startFakeOpenAIBackend('failing');
  const endpoint = (b: FakeOpenAIBackend) => `http://${MODEL_HOST}:${b.port}/v1`;
  const started = await startGatewayUnderTest({
    dnsNames: [MODEL_HOST],
    models: [
      aiModel('chat', { modelName: 'gpt-4o', endpoint: endpoint(healthy) }),
      aiModel('flaky', { modelName: 'llama-3', endpoint: endpoint(failing) }),
    ],
    routes: [
      gatewayRoute('assistant', {
        path: '/v1',
        authenticationRequired: true,
        apiKeySecretRef: { name: 'team-keys' },
        aiModelRouting: { models: [{ name: 'chat' }, { name: 'flaky' }] },
      }),
    ],
  });
  await writeSecretVolume(join(started.apiKeysDirectory, 'team-keys'), { alpha: TEAM_KEY });
  return started;
}

/** One request to each model through the gateway: the first answered, the second 500. */
async function aiRequests(): Promise<void> {
  failing!.failNext(500);
  const chat = (model: string) =>
    gateway!.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEAM_KEY}` },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
  expect((await chat('gpt-4o')).status).toBe(200);
  expect((await chat('llama-3')).status).toBe(500);
}

/** The gateway's counters as Prometheus has them, by model and code. */
async function scrapedRequests(): Promise<Record<string, number>> {
  const samples = await prometheus!.query(`gen_ai_gateway_requests_total{job="${GATEWAY_JOB}"}`);
  return Object.fromEntries(
    samples.map((s) => [`${s.metric.gen_ai_request_model} ${s.metric.code}`, Number(s.value[1])]),
  );
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('monitoring'));
  gateway = await startAIGateway();
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
      { job: GATEWAY_JOB, namespace: FIXTURE_NAMESPACE, address: `127.0.0.1:${gateway.metricsPort}` },
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
  // The gateway's series appear with their first request; a rate needs them scraped before the next ones.
  await aiRequests();
  await waitFor(async () => Object.keys(await scrapedRequests()).length === 2, {
    description: "Prometheus to have scraped the gateway's first requests",
    timeoutMs: 30_000,
  });
  for (let round = 0; round < 3; round++) await aiRequests();
  await waitFor(async () => (await scrapedRequests())['flaky 500'] === 4, {
    description: "Prometheus to have scraped all the gateway's requests",
    timeoutMs: 30_000,
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await gateway?.stop();
  for (const backend of [healthy, failing]) await backend?.close();
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
    'route',
    'gen_ai_request_model',
  ];
  return JSON.stringify([labels.alertname, ...about.map((label) => labels[label] ?? null)]);
}

describe('a real Prometheus during a run', () => {
  it('scrapes the controller, the webhook and the gateway', async () => {
    const up = await prometheus!.query('up');
    expect(up.map((s) => [s.metric.job, s.value[1]]).sort()).toEqual([
      [CONTROLLER_JOB, '1'],
      [WEBHOOK_JOB, '1'],
      [GATEWAY_JOB, '1'],
    ]);
    expect(await scrapedRequests()).toEqual({ 'chat 200': 4, 'flaky 500': 4 });
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
      { alertname: 'AIGatewayModelErrors', route: AI_ROUTE, gen_ai_request_model: 'flaky' },
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
      gateway: GATEWAY_JOB,
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
    // And the gateway panels the requests and tokens of the run: four of each model, the consumer's tokens.
    const byLabels = async (title: string) => {
      const panel = dashboard.panels.find((p) => p.title === title);
      const samples = await prometheus!.query(substitute(panel?.targets?.[0]?.expr ?? ''));
      return samples.map((s) => ({ ...s.metric, value: Number(s.value[1]) > 0 }));
    };
    expect(await byLabels('Requests per second, by status code and model')).toEqual(
      expect.arrayContaining([
        { gen_ai_request_model: 'chat', code: '200', value: true },
        { gen_ai_request_model: 'flaky', code: '500', value: true },
      ]),
    );
    expect(await byLabels('Server error ratio, by route and model')).toEqual(
      expect.arrayContaining([
        { route: AI_ROUTE, gen_ai_request_model: 'chat', value: false },
        { route: AI_ROUTE, gen_ai_request_model: 'flaky', value: true },
      ]),
    );
    for (const title of [
      'Input tokens per second, by consumer and model',
      'Output tokens per second, by consumer and model',
    ])
      expect(await byLabels(title)).toEqual([
        { consumer: 'alpha', gen_ai_request_model: 'chat', value: true },
      ]);
  });
});
