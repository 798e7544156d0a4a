// Settings of the controller benchmark, from flags: how many routes and models, how they spread over
// gateways, how many objects fill the cache for the memory figure, and which cluster to use.
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Routes, and as many models. */
  count: number;
  routesPerGateway: number;
  /** Labelled ConfigMaps the controller caches for the memory figure; 0 skips it. */
  cachedObjects: number;
  /** How long the steady state is watched, before and after a restart. */
  steadySeconds: number;
  workers: number;
  /** The controller's --log-level. */
  logLevel: string;
  /** A cluster started by `npm run cluster:up`; by default the benchmark starts (and stops) its own. */
  kubeconfig: string | undefined;
  /** Where the JSON report goes, besides standard output. */
  out: string | undefined;
  /** Compare with the controller-runtime baseline (models only) instead of the usual stages. */
  baseline: boolean;
  /** Compare the start-up of both controllers (N converged models) instead of the usual stages. */
  startup: boolean;
  /** How many times --baseline or --startup measures both, alternating which goes first. */
  rounds: number;
}

export class BenchOptionsError extends Error {
  readonly option: string;
  constructor(option: string, message: string) {
    super(`--${option}: ${message}`);
    this.name = 'BenchOptionsError';
    this.option = option;
  }
}

function positiveInteger(option: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min)
    throw new BenchOptionsError(option, `Invalid value: "${text}": must be an integer >= ${min}`);
  return n;
}

export const BENCH_USAGE = `Usage: node bench/controller/main.ts [flags]
  --count N               routes and models to converge (default 200)
  --routes-per-gateway N  routes sharing one gateway (default 50)
  --cached-objects N      labelled ConfigMaps cached for the memory figure; 0 skips (default 10000)
  --steady-seconds N      how long to watch for writes in a steady state (default 30)
  --workers N             controller --workers (default 4)
  --log-level LEVEL       controller --log-level (default warn); logs go to <cluster state dir>/bench-logs
  --kubeconfig PATH       a cluster from \`npm run cluster:up\`; default: start a fresh one
  --out PATH              also write the report as JSON here
  --baseline              instead: N models converged by this controller and by a controller-runtime
                          baseline (bench/controller/baseline, built with Go), compared
  --startup               instead: time from spawn to caches synced and to the first reconcile, with N
                          converged models, of this controller and of the controller-runtime baseline
  --rounds N              --baseline, --startup: measure both N times, alternating which goes first;
                          medians (default 1)
`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      count: { type: 'string', default: '200' },
      'routes-per-gateway': { type: 'string', default: '50' },
      'cached-objects': { type: 'string', default: '10000' },
      'steady-seconds': { type: 'string', default: '30' },
      workers: { type: 'string', default: '4' },
      'log-level': { type: 'string', default: 'warn' },
      kubeconfig: { type: 'string' },
      out: { type: 'string' },
      baseline: { type: 'boolean', default: false },
      startup: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '1' },
    },
  });
  return {
    count: positiveInteger('count', values.count, 1),
    routesPerGateway: positiveInteger('routes-per-gateway', values['routes-per-gateway'], 1),
    cachedObjects: positiveInteger('cached-objects', values['cached-objects'], 0),
    steadySeconds: positiveInteger('steady-seconds', values['steady-seconds'], 1),
    workers: positiveInteger('workers', values.workers, 1),
    logLevel: values['log-level'],
    kubeconfig: values.kubeconfig,
    out: values.out,
    baseline: values.baseline,
    startup: values.startup,
    rounds: positiveInteger('rounds', values.rounds, 1),
  };
}
