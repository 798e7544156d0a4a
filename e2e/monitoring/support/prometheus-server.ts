// A real Prometheus on loopback for the monitoring tests: it scrapes the given targets under the job and
// namespace labels a ServiceMonitor would give them, evaluates the given rule groups, and answers queries
// through its HTTP API. Scrapes and evaluations run every second so that a test sees them within seconds.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freeLoopbackPorts } from '../../cluster/free-ports.ts';
import { waitFor } from '../../setup/cluster-env.ts';
import { prometheusBinary } from './prometheus-binary.ts';
import type { RuleGroup } from './chart-monitoring.ts';
import { ruleFile } from './chart-monitoring.ts';

export interface ScrapeTarget {
  job: string;
  namespace: string;
  /** host:port of a /metrics endpoint on loopback. */
  address: string;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

interface ActiveAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

export interface PrometheusServer {
  /** An instant query at the current time. */
  query(expr: string): Promise<Sample[]>;
  /** The values of `label` on the series `match` selects, as Grafana's label_values(match, label) gives them. */
  labelValues(match: string, label: string): Promise<string[]>;
  /** Alerts pending or firing now. */
  alerts(): Promise<ActiveAlert[]>;
  /** The end of Prometheus's log, for failure messages. */
  logTail(): string;
  stop(): Promise<void>;
}

interface APIAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

export async function startPrometheus(
  targets: readonly ScrapeTarget[],
  groups: readonly RuleGroup[],
): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-prometheus-'));
  const { web } = await freeLoopbackPorts(['web'] as const);
  writeFileSync(join(dir, 'rules.yaml'), ruleFile(groups));
  writeFileSync(
    join(dir, 'prometheus.yaml'),
    stringify({
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yaml')],
      scrape_configs: targets.map((t) => ({
        job_name: t.job,
        static_configs: [{ targets: [t.address], labels: { namespace: t.namespace } }],
      })),
    }),
  );
  const logPath = join(dir, 'prometheus.log');
  const log = openSync(logPath, 'a');
  const child: ChildProcess = spawn(
    prometheusBinary(),
    [
      `--config.file=${join(dir, 'prometheus.yaml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${web}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', log, log] },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  const base = `http://127.0.0.1:${web}`;
  const logTail = () => readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-20).join('\n');

  async function api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const answer = (await res.json()) as APIAnswer<T>;
    if (answer.status !== 'success') throw new Error(`Prometheus ${path}: ${answer.error ?? res.status}`);
    return answer.data;
  }

  const stop = async () => {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // Ready is not enough: Prometheus starts scraping a few seconds later, and what happens before its first
    // scrape of a target is lost to rates.
    await waitFor(
      async () => {
        if (exited) throw new Error(`prometheus exited:\n${logTail()}`);
        const { activeTargets } = await api<{ activeTargets: { health: string }[] }>('/api/v1/targets');
        return activeTargets.length === targets.length && activeTargets.every((t) => t.health === 'up');
      },
      { description: `prometheus on ${base} to have scraped every target`, timeoutMs: 30_000 },
    );
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    query: async (expr) =>
      (await api<{ resultType: string; result: Sample[] }>('/api/v1/query', { query: expr })).result,
    labelValues: async (match, label) => {
      const series = await api<Record<string, string>[]>('/api/v1/series', { 'match[]': match });
      return [...new Set(series.map((s) => s[label]).filter((v): v is string => v !== undefined))].sort();
    },
    alerts: async () => (await api<{ alerts: ActiveAlert[] }>('/api/v1/alerts')).alerts,
    logTail,
    stop,
  };
}
