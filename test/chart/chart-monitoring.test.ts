// The monitoring objects render only when asked for (and, for the monitoring.coreos.com kinds, when the
// cluster serves them or a value says to assume it), and what they select is what the chart and the
// controller make: the ServiceMonitor scrapes both processes' Services, the PodMonitor the gateway pods'
// metrics port wherever the controller reconciles, the alerts select those jobs, every alert has its
// runbook in the chart README, and the dashboard ConfigMap holds the dashboard Grafana's sidecar loads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { METRICS_PORT_NAME } from '../../controller/children/gateway/gateway-pod.ts';
import { gatewayLabels } from '../../controller/children/labels.ts';
import { CHART_DIR, renderChart, renderRefusal } from './helm.ts';
import type { RenderOptions } from './helm.ts';
import type { RenderedObject } from './rendered-objects.ts';
import { findObject, objectsOfKind } from './rendered-objects.ts';

const MONITORING_APIS = [
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
  'monitoring.coreos.com/v1/PodMonitor',
];
const EVERYTHING = {
  metrics: {
    serviceMonitor: { enabled: true, labels: { release: 'prometheus' } },
    podMonitor: { enabled: true, labels: { release: 'prometheus' } },
    prometheusRule: { enabled: true, labels: { release: 'prometheus' } },
    dashboards: { enabled: true },
  },
};

interface Alert {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
type PrometheusRule = RenderedObject & { spec: { groups: { name: string; rules: Alert[] }[] } };
type ServiceMonitor = RenderedObject & {
  spec: {
    selector: {
      matchLabels: Record<string, string>;
      matchExpressions: { key: string; operator: string; values: string[] }[];
    };
    endpoints: { port: string }[];
  };
};
type PodMonitor = RenderedObject & {
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { any?: boolean; matchNames?: string[] };
    podMetricsEndpoints: { port: string; path: string }[];
  };
};
type Service = RenderedObject & { spec: { ports: { name: string }[] } };
type ConfigMap = RenderedObject & { data: Record<string, string> };

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; query: string | { query: string } }[] };
}

const monitoringKinds = (objects: readonly RenderedObject[]) =>
  objects
    .filter(
      (o) =>
        ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(o.kind) ||
        o.metadata.name.endsWith('-dashboard'),
    )
    .map((o) => o.kind)
    .sort();

const alerts = (objects: readonly RenderedObject[]) =>
  findObject<PrometheusRule>(objects, 'PrometheusRule').spec.groups.flatMap((g) => g.rules);

async function renderAlerts(opts: RenderOptions = {}): Promise<Alert[]> {
  return alerts(await renderChart({ values: EVERYTHING, apiVersions: MONITORING_APIS, ...opts }));
}

/** The job a PodMonitor's targets get: its namespace/name. */
function podMonitorJob(objects: readonly RenderedObject[]): string {
  const { metadata } = findObject<PodMonitor>(objects, 'PodMonitor');
  return `${metadata.namespace}/${metadata.name}`;
}

/** The Services the ServiceMonitor selects, by the labels it matches. */
function scrapedServices(objects: readonly RenderedObject[]): Service[] {
  const { matchLabels, matchExpressions } = findObject<ServiceMonitor>(objects, 'ServiceMonitor').spec
    .selector;
  return objectsOfKind<Service>(objects, 'Service').filter((service) => {
    const labels = service.metadata.labels ?? {};
    return (
      Object.entries(matchLabels).every(([k, v]) => labels[k] === v) &&
      matchExpressions.every((e) => e.operator === 'In' && e.values.includes(labels[e.key] ?? ''))
    );
  });
}

describe('monitoring objects', () => {
  it('are left out by default, even where the cluster serves the monitoring API', async () => {
    expect(monitoringKinds(await renderChart({ apiVersions: MONITORING_APIS }))).toEqual([]);
  });

  it('render when asked for and the cluster serves their kinds', async () => {
    const objects = await renderChart({ values: EVERYTHING, apiVersions: MONITORING_APIS });
    expect(monitoringKinds(objects)).toEqual(['ConfigMap', 'PodMonitor', 'PrometheusRule', 'ServiceMonitor']);
    for (const kind of ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'])
      expect(findObject(objects, kind).metadata.labels).toMatchObject({ release: 'prometheus' });
  });

  it('leave out the monitoring.coreos.com kinds the cluster does not serve, unless told to assume them', async () => {
    expect(monitoringKinds(await renderChart({ values: EVERYTHING }))).toEqual(['ConfigMap']);
    expect(
      monitoringKinds(
        await renderChart({ values: EVERYTHING, apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'] }),
      ),
    ).toEqual(['ConfigMap', 'ServiceMonitor']);
    const assumed = { metrics: { ...EVERYTHING.metrics, assumeMonitoringAPI: true } };
    expect(monitoringKinds(await renderChart({ values: assumed }))).toEqual([
      'ConfigMap',
      'PodMonitor',
      'PrometheusRule',
      'ServiceMonitor',
    ]);
  });
});

describe('ServiceMonitor', () => {
  it("scrapes the metrics port of both processes' Services", async () => {
    const objects = await renderChart({ values: EVERYTHING, apiVersions: MONITORING_APIS });
    const monitor = findObject<ServiceMonitor>(objects, 'ServiceMonitor');
    expect(monitor.spec.endpoints.map((e) => e.port)).toEqual(['metrics']);
    const scraped = scrapedServices(objects);
    expect(scraped.map((s) => s.metadata.labels?.['app.kubernetes.io/component']).sort()).toEqual([
      'controller',
      'webhook',
    ]);
    for (const service of scraped) expect(service.spec.ports.map((p) => p.name)).toContain('metrics');
  });
});

describe('PodMonitor', () => {
  it("scrapes the metrics port of every gateway's pods, by the labels the controller gives them", async () => {
    const objects = await renderChart({ values: EVERYTHING, apiVersions: MONITORING_APIS });
    const monitor = findObject<PodMonitor>(objects, 'PodMonitor');
    expect(monitor.metadata.name).toBe('ai-gateway-operator-gateways');
    const { matchLabels } = monitor.spec.selector;
    expect(Object.keys(matchLabels).length).toBeGreaterThan(0);
    for (const gateway of ['edge', 'internal']) expect(gatewayLabels(gateway)).toMatchObject(matchLabels);
    expect(monitor.spec.podMetricsEndpoints).toEqual([
      expect.objectContaining({ port: METRICS_PORT_NAME, path: '/metrics' }),
    ]);
  });

  it('looks in every namespace, or only in those the controller watches', async () => {
    const everywhere = await renderChart({ values: EVERYTHING, apiVersions: MONITORING_APIS });
    expect(findObject<PodMonitor>(everywhere, 'PodMonitor').spec.namespaceSelector).toEqual({ any: true });
    const watched = await renderChart({
      values: { ...EVERYTHING, controller: { watchNamespaces: ['team-a', 'team-b'] } },
      apiVersions: MONITORING_APIS,
    });
    expect(findObject<PodMonitor>(watched, 'PodMonitor').spec.namespaceSelector).toEqual({
      matchNames: ['team-a', 'team-b'],
    });
  });

  it('is left out where the cluster does not serve PodMonitors, like the other kinds', async () => {
    const apiVersions = MONITORING_APIS.filter((api) => !api.endsWith('/PodMonitor'));
    expect(monitoringKinds(await renderChart({ values: EVERYTHING, apiVersions }))).not.toContain(
      'PodMonitor',
    );
  });
});

describe('PrometheusRule', () => {
  it.each([
    ['the default release', 'ai-gateway-operator', 'ai-gateway-operator'],
    ['another release and namespace', 'gw', 'platform'],
  ])(
    'selects the jobs the ServiceMonitor and the PodMonitor scrape, for %s',
    async (_, release, namespace) => {
      const objects = await renderChart({
        values: EVERYTHING,
        apiVersions: MONITORING_APIS,
        release,
        namespace,
      });
      const jobs = new Set([...scrapedServices(objects).map((s) => s.metadata.name), podMonitorJob(objects)]);
      for (const { alert, expr } of alerts(objects)) {
        const selected = [...expr.matchAll(/job="([^"]*)"/g)].map((m) => m[1]);
        expect({ alert, selected: selected.length > 0 }).toEqual({ alert, selected: true });
        for (const job of selected)
          expect({ alert, job, scraped: jobs.has(job!) }).toEqual({ alert, job, scraped: true });
        for (const [, ns] of expr.matchAll(/namespace="([^"]*)"/g)) expect(ns).toBe(namespace);
      }
    },
  );

  it('gives every alert a severity, a summary and a description, and a runbook section in the chart README', async () => {
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    const documented = [...readme.matchAll(/^#### (AIGateway\w+)$/gm)].map((m) => m[1]);
    const rendered = await renderAlerts();
    expect(rendered.map((a) => a.alert).sort()).toEqual([...documented].sort());
    for (const { alert, labels, annotations } of rendered) {
      expect({ alert, severity: labels.severity }).toEqual({
        alert,
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      const section = readme.split(`#### ${alert}\n`)[1]?.split('\n#### ')[0] ?? '';
      expect(section).toContain(`_${labels.severity}._`);
      expect(annotations.summary).toBeTruthy();
      expect(annotations.description).toBeTruthy();
      expect(annotations.runbook_url).toBeUndefined();
    }
  });

  it("are each in the README's Operations table, with their severity", async () => {
    const readme = readFileSync(join(CHART_DIR, '..', '..', 'README.md'), 'utf8');
    const table = [...readme.matchAll(/^\| `(AIGateway\w+)` +\| (\w+) /gm)].map((m) => `${m[1]} ${m[2]}`);
    const rendered = (await renderAlerts()).map((a) => `${a.alert} ${a.labels.severity}`);
    expect(table.sort()).toEqual(rendered.sort());
  });

  it('takes thresholds, alert labels and the runbook URL from values', async () => {
    const rendered = await renderAlerts({
      values: {
        metrics: {
          ...EVERYTHING.metrics,
          prometheusRule: {
            enabled: true,
            alertLabels: { team: 'platform' },
            runbookURL: 'https://git.example.com/charts/README.md',
            notReadyFor: '1h',
            webhookLatencySeconds: 2,
            certificateExpiryDays: 30,
            gatewayErrorRatio: 0.2,
          },
        },
      },
    });
    const byName = Object.fromEntries(rendered.map((a) => [a.alert, a]));
    expect(byName.AIGatewayResourcesNotReady?.for).toBe('1h');
    expect(byName.AIGatewayWebhookLatencyHigh?.expr).toMatch(/ > 2$/);
    expect(byName.AIGatewayWebhookCertificateExpiring?.expr).toMatch(/< 30 \* 86400$/);
    expect(byName.AIGatewayModelErrors?.expr).toMatch(/ > 0\.2$/);
    for (const { alert, labels, annotations } of rendered) {
      expect(labels.team).toBe('platform');
      expect(annotations.runbook_url).toBe(`https://git.example.com/charts/README.md#${alert.toLowerCase()}`);
    }
  });

  it('leaves out the leader alert without leader election, and the webhook-down alert without an in-cluster webhook', async () => {
    const names = (alertList: Alert[]) => alertList.map((a) => a.alert);
    expect(names(await renderAlerts())).toEqual(
      expect.arrayContaining(['AIGatewayNoLeader', 'AIGatewayWebhookDown']),
    );
    const noLeader = await renderAlerts({
      values: { ...EVERYTHING, controller: { leaderElection: { enabled: false } } },
    });
    expect(names(noLeader)).not.toContain('AIGatewayNoLeader');
    const external = await renderAlerts({
      values: { ...EVERYTHING, webhook: { externalURL: 'https://127.0.0.1:9443' } },
    });
    expect(names(external)).not.toContain('AIGatewayWebhookDown');
    expect(names(external)).toContain('AIGatewayWebhookErrors');
  });
});

describe('the dashboard ConfigMap', () => {
  const dashboardFile = join(CHART_DIR, 'dashboards', 'ai-gateway-operator.json');

  it('carries the sidecar label and the dashboard of dashboards/', async () => {
    const objects = await renderChart({
      values: { metrics: { dashboards: { enabled: true, annotations: { grafana_folder: 'Operators' } } } },
    });
    const configMap = findObject<ConfigMap>(objects, 'ConfigMap', 'ai-gateway-operator-dashboard');
    expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(configMap.metadata.annotations).toEqual({ grafana_folder: 'Operators' });
    expect(configMap.data).toEqual({ 'ai-gateway-operator.json': readFileSync(dashboardFile, 'utf8') });
  });

  it('goes to the namespace the sidecar watches when one is given', async () => {
    const objects = await renderChart({
      values: { metrics: { dashboards: { enabled: true, namespace: 'grafana' } } },
    });
    expect(findObject(objects, 'ConfigMap', 'ai-gateway-operator-dashboard').metadata.namespace).toBe(
      'grafana',
    );
  });

  it('queries only through its variables, in every panel', () => {
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard;
    const variables = new Set(['__rate_interval', ...dashboard.templating.list.map((v) => v.name)]);
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(10);
    expect(panels.filter((p) => !p.targets?.length).map((p) => p.title)).toEqual([]);
    for (const panel of panels) {
      for (const { expr } of panel.targets ?? []) {
        const used = [...expr.matchAll(/\$(\w+)/g)].map((m) => m[1]!);
        expect(used.filter((name) => !variables.has(name))).toEqual([]);
        // The operator's processes by the release namespace, the gateway pods (in the namespaces of their
        // routes) by the job of the release namespace's PodMonitor.
        expect(expr).toMatch(/namespace="\$namespace"|job="\$gateway"/);
      }
    }
  });

  it("finds the gateways' job the PodMonitor names, in the release namespace", async () => {
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard;
    const variable = dashboard.templating.list.find((v) => v.name === 'gateway');
    const query = typeof variable?.query === 'string' ? variable.query : (variable?.query.query ?? '');
    const [, pattern = ''] = /job=~"([^"]*)"/.exec(query) ?? [];
    const objects = await renderChart({
      values: EVERYTHING,
      apiVersions: MONITORING_APIS,
      release: 'gw',
      namespace: 'platform',
    });
    const job = new RegExp(`^(?:${pattern.replace('$namespace', 'platform')})$`);
    expect(job.test(podMonitorJob(objects))).toBe(true);
    expect(job.test('other/gw-ai-gateway-operator-gateways')).toBe(false);
  });
});

describe('values.schema.json for monitoring', () => {
  it.each([
    // Helm's schema checker names the wrong path for propertyNames; the property is what it names right.
    [
      'a severity among the alert labels',
      { alertLabels: { severity: 'page' } },
      "invalid propertyName 'severity'",
    ],
    [
      'a duration Prometheus cannot read',
      { notReadyFor: '15 minutes' },
      "at '/metrics/prometheusRule/notReadyFor'",
    ],
    ['an error ratio above 1', { webhookErrorRatio: 5 }, "at '/metrics/prometheusRule/webhookErrorRatio'"],
  ])('refuses %s', async (_, prometheusRule, message) => {
    expect(await renderRefusal({ values: { metrics: { prometheusRule } } })).toContain(message);
  });
});
