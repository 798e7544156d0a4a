// Gateway reload benchmark: how fast a change of routes reaches a running gateway, which reloads instead
// of rolling out. Two measurements, each on this machine with real processes:
// - reload time by gateway size: a gateway pod (nginx and the reloader) with 100, 1,000 and 10,000 routes
//   gets a changed configuration in its volume; time to the reloader reporting it loaded and to the new
//   path answering (reload-times.ts);
// - apply to served: `kubectl apply` of a route on the local control plane, through the controller, to the
//   gateway answering on it and to the route Ready (apply-to-served.ts). The kubelet's wait before it
//   writes a changed ConfigMap into a running pod (its sync period, a minute by default) is not in it.
// Usage: node bench/gateway/reload-main.ts [--routes 100,1000,10000] [--runs 5] [--changes 50]
//   [--base-routes 10] [--kubeconfig <existing local cluster>] [--no-cluster]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { withBenchCluster } from '../lib/bench-cluster.ts';
import { measureApplyToServed, type ApplyToServed } from './apply-to-served.ts';
import { measureReloadTimes, type ReloadTimes } from './reload-times.ts';

function positiveInteger(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: invalid value ${JSON.stringify(value)}`);
  return n;
}

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      routes: { type: 'string', default: '100,1000,10000' },
      runs: { type: 'string', default: '5' },
      changes: { type: 'string', default: '50' },
      'base-routes': { type: 'string', default: '10' },
      kubeconfig: { type: 'string' },
      'no-cluster': { type: 'boolean', default: false },
    },
  });
  return {
    routeCounts: values.routes.split(',').map((n) => positiveInteger('routes', n.trim())),
    runs: positiveInteger('runs', values.runs),
    changes: positiveInteger('changes', values.changes),
    baseRoutes: positiveInteger('base-routes', values['base-routes']),
    kubeconfig: values.kubeconfig,
    cluster: !values['no-cluster'],
  };
}

const log = (line: string) => process.stderr.write(`[bench:gateway-reload] ${line}\n`);
const ms = (value: number) => `${value.toFixed(0)} ms`;

function reloadLine(r: ReloadTimes): string {
  return (
    `${String(r.routes).padStart(6)} routes (${r.configKiB} KiB): mount → loaded ${ms(r.mountToLoaded.medianMs)} ` +
    `(max ${ms(r.mountToLoaded.maxMs)}), mount → served ${ms(r.mountToServed.medianMs)} ` +
    `(max ${ms(r.mountToServed.maxMs)}), of which signal → loaded ${ms(r.signalToLoaded.medianMs)} ` +
    `(max ${ms(r.signalToLoaded.maxMs)}); nginx master CPU ${ms(r.masterCPU.medianMs)}; median of ${r.runs}`
  );
}

function applyLines(a: ApplyToServed): string[] {
  return [
    `kubectl apply → served: p50 ${ms(a.served.p50Ms)}, p99 ${ms(a.served.p99Ms)} (${a.changes} routes, ` +
      `kubectl itself p50 ${ms(a.kubectl.p50Ms)})`,
    `kubectl apply → route Ready: p50 ${ms(a.ready.p50Ms)}, p99 ${ms(a.ready.p99Ms)}`,
    `of which kubectl apply → ConfigMap in the pod's volume: p50 ${ms(a.mounted.p50Ms)}, p99 ${ms(a.mounted.p99Ms)}; ` +
      `nginx reload (signal → new hash answered): p50 ${ms(a.reload.p50Ms)}, p99 ${ms(a.reload.p99Ms)}`,
    'not included: the kubelet writes a changed ConfigMap into a running pod at its next sync of the pod,',
    'up to --sync-frequency (1 min by default) plus its ConfigMap cache delay, so add up to ~60-90 s in a cluster',
  ];
}

async function main(argv: string[]): Promise<void> {
  const opts = options(argv);
  const lines = [
    `load average before: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on this machine`,
  ];
  for (const count of opts.routeCounts) {
    log(`reload time with ${count} routes, ${opts.runs} runs`);
    lines.push(reloadLine(await measureReloadTimes(count, opts.runs)));
  }
  if (opts.cluster) {
    await withBenchCluster(opts.kubeconfig, async (cluster) => {
      log(`apply to served: ${opts.changes} routes on cluster ${cluster.id}`);
      lines.push(...applyLines(await measureApplyToServed(cluster, opts.changes, opts.baseRoutes)));
    });
  }
  lines.push(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`[bench:gateway-reload] failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
