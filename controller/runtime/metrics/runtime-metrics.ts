// The metric families controller-runtime exposes, under the same names and labels, so existing
// dashboards and alerts work unchanged. Registered once per Registry and shared by every controller,
// work queue and leader elector of the process.
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { WorkQueue, WorkQueueMetricsHooks } from '../workqueue/work-queue.ts';

export type ReconcileResultLabel = 'success' | 'error' | 'requeue' | 'requeue_after';

export interface RuntimeMetrics {
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  terminalReconcileErrors: Counter<'controller'>;
  reconcileTime: Histogram<'controller'>;
  activeWorkers: Gauge<'controller'>;
  maxConcurrentReconciles: Gauge<'controller'>;
  workqueueDepth: Gauge<'name'>;
  workqueueAdds: Counter<'name'>;
  workqueueQueueDuration: Histogram<'name'>;
  workqueueWorkDuration: Histogram<'name'>;
  workqueueRetries: Counter<'name'>;
  leaderElectionMasterStatus: Gauge<'name'>;
  /** Work queues whose in-flight work the unfinished/longest-running gauges report at scrape time. */
  trackUnfinishedWork(queue: WorkQueue): void;
  /**
   * Exports every series of `controller` at zero before its first reconcile, as controller-runtime does:
   * a series that appears only with its first observation hides that observation from rate() and
   * increase(), and alerts on absent series cannot tell "none yet" from "not scraped".
   */
  initController(controller: string): void;
}

// 'requeue' counts controller-runtime's deprecated `requeue: true`, which reconcilers here cannot return;
// it is still exported, at zero, so dashboards that sum or divide by it find the series.
const RECONCILE_RESULTS: readonly ReconcileResultLabel[] = ['success', 'error', 'requeue', 'requeue_after'];

const RECONCILE_TIME_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5,
  1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
// 10 ns to 1000 s in decades, as client-go's work queue metrics.
const WORKQUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => Number((1e-8 * 10 ** i).toPrecision(1)));

const byRegistry = new WeakMap<Registry, RuntimeMetrics>();

function create(registry: Registry): RuntimeMetrics {
  const registers = [registry];
  const queues = new Set<WorkQueue>();
  registerUnfinishedWorkGauges(registers, queues);
  return {
    reconcileTotal: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileErrors: new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    }),
    terminalReconcileErrors: new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    }),
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_TIME_BUCKETS,
      registers,
    }),
    activeWorkers: new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers,
    }),
    maxConcurrentReconciles: new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers,
    }),
    workqueueDepth: new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: ['name'],
      registers,
    }),
    workqueueAdds: new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: ['name'],
      registers,
    }),
    workqueueQueueDuration: new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: ['name'],
      buckets: WORKQUEUE_BUCKETS,
      registers,
    }),
    workqueueWorkDuration: new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes',
      labelNames: ['name'],
      buckets: WORKQUEUE_BUCKETS,
      registers,
    }),
    workqueueRetries: new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: ['name'],
      registers,
    }),
    leaderElectionMasterStatus: new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
      labelNames: ['name'],
      registers,
    }),
    trackUnfinishedWork: (queue) => {
      queues.add(queue);
    },
    initController(controller) {
      for (const result of RECONCILE_RESULTS) this.reconcileTotal.inc({ controller, result }, 0);
      this.reconcileErrors.inc({ controller }, 0);
      this.terminalReconcileErrors.inc({ controller }, 0);
      this.reconcileTime.zero({ controller });
      this.activeWorkers.set({ controller }, 0);
    },
  };
}

// Computed at scrape time from the queues themselves, so a stuck worker shows up even while nothing else
// happens.
function registerUnfinishedWorkGauges(registers: Registry[], queues: ReadonlySet<WorkQueue>): void {
  new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: 'How many seconds of work has been done that is in progress and has not been observed by work_duration',
    labelNames: ['name'],
    registers,
    collect() {
      for (const queue of queues) this.set({ name: queue.name }, queue.unfinishedWork().totalMs / 1000);
    },
  });
  new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running',
    labelNames: ['name'],
    registers,
    collect() {
      for (const queue of queues) this.set({ name: queue.name }, queue.unfinishedWork().longestMs / 1000);
    },
  });
}

/** The process's runtime metrics on `registry`, created on first use. */
export function runtimeMetrics(registry: Registry): RuntimeMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = create(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/** Hooks a WorkQueue reports through into the workqueue_* families under label name=`name`, its series at zero. */
export function workQueueMetricsHooks(metrics: RuntimeMetrics, name: string): WorkQueueMetricsHooks {
  const labels = { name };
  metrics.workqueueAdds.inc(labels, 0);
  metrics.workqueueDepth.set(labels, 0);
  metrics.workqueueRetries.inc(labels, 0);
  metrics.workqueueQueueDuration.zero(labels);
  metrics.workqueueWorkDuration.zero(labels);
  return {
    added: () => metrics.workqueueAdds.inc(labels),
    depth: (depth) => metrics.workqueueDepth.set(labels, depth),
    dequeued: (waitedMs) => metrics.workqueueQueueDuration.observe(labels, waitedMs / 1000),
    finished: (workedMs) => metrics.workqueueWorkDuration.observe(labels, workedMs / 1000),
    retried: () => metrics.workqueueRetries.inc(labels),
  };
}
