// The alerts and the dashboard exactly as the chart ships them: the PrometheusRule's rule groups and the
// dashboard ConfigMap's JSON, from `helm template` of the default release (job and namespace labels as a
// ServiceMonitor would give this release's targets, and as its PodMonitor would give the gateway pods).
import { stringify } from 'yaml';
import { renderChart } from '../../../test/chart/helm.ts';
import type { RenderedObject } from '../../../test/chart/rendered-objects.ts';
import { findObject } from '../../../test/chart/rendered-objects.ts';

export const RELEASE_NAMESPACE = 'ai-gateway-operator';
/** The jobs the PrometheusRule selects: the names of the Services the ServiceMonitor scrapes. */
export const CONTROLLER_JOB = 'ai-gateway-operator-controller-metrics';
export const WEBHOOK_JOB = 'ai-gateway-operator-webhook';
/** The job the PrometheusRule selects the gateway pods by: the PodMonitor's namespace/name. */
export const GATEWAY_JOB = 'ai-gateway-operator/ai-gateway-operator-gateways';

interface Alert {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  rules: Alert[];
}

interface DashboardPanel {
  type: string;
  title: string;
  targets?: { expr: string; refId: string }[];
}
export interface Dashboard {
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

export interface ChartMonitoring {
  groups: RuleGroup[];
  dashboard: Dashboard;
}

export async function renderChartMonitoring(): Promise<ChartMonitoring> {
  const objects = await renderChart({
    namespace: RELEASE_NAMESPACE,
    values: {
      metrics: {
        assumeMonitoringAPI: true,
        podMonitor: { enabled: true },
        prometheusRule: { enabled: true },
        dashboards: { enabled: true },
      },
    },
  });
  const rule = findObject<RenderedObject & { spec: { groups: RuleGroup[] } }>(objects, 'PrometheusRule');
  const dashboards = findObject<RenderedObject & { data: Record<string, string> }>(
    objects,
    'ConfigMap',
    'ai-gateway-operator-dashboard',
  );
  const podMonitor = findObject(objects, 'PodMonitor');
  const podMonitorJob = `${podMonitor.metadata.namespace}/${podMonitor.metadata.name}`;
  if (podMonitorJob !== GATEWAY_JOB)
    throw new Error(`the chart's PodMonitor names the job ${podMonitorJob}, not ${GATEWAY_JOB}`);
  const [json] = Object.values(dashboards.data);
  return { groups: rule.spec.groups, dashboard: JSON.parse(json ?? '{}') as Dashboard };
}

/** A Prometheus rule file of the groups. */
export function ruleFile(groups: readonly RuleGroup[]): string {
  return stringify({ groups }, { lineWidth: 0 });
}

export function alertNames(groups: readonly RuleGroup[]): string[] {
  return groups.flatMap((g) => g.rules.map((r) => r.alert));
}
