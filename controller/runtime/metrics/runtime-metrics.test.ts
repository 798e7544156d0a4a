import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { FakeClock } from '../../../shared/time/testing/fake-clock.ts';
import { WorkQueue } from '../workqueue/work-queue.ts';
import { runtimeMetrics, workQueueMetricsHooks } from './runtime-metrics.ts';

describe('runtimeMetrics', () => {
  it('registers the controller-runtime families once per registry', async () => {
    const registry = new Registry();
    expect(runtimeMetrics(registry)).toBe(runtimeMetrics(registry));
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name).sort();
    expect(names).toEqual([
      'controller_runtime_active_workers',
      'controller_runtime_max_concurrent_reconciles',
      'controller_runtime_reconcile_errors_total',
      'controller_runtime_reconcile_time_seconds',
      'controller_runtime_reconcile_total',
      'controller_runtime_terminal_reconcile_errors_total',
      'leader_election_master_status',
      'workqueue_adds_total',
      'workqueue_depth',
      'workqueue_longest_running_processor_seconds',
      'workqueue_queue_duration_seconds',
      'workqueue_retries_total',
      'workqueue_unfinished_work_seconds',
      'workqueue_work_duration_seconds',
    ]);
  });

  it('reports work in flight at scrape time, so a stuck worker shows without any new event', async () => {
    const registry = new Registry();
    const metrics = runtimeMetrics(registry);
    const clock = new FakeClock();
    const queue = new WorkQueue({ name: 'routes', clock, metrics: workQueueMetricsHooks(metrics, 'routes') });
    metrics.trackUnfinishedWork(queue);
    queue.add('ns/a');
    queue.add('ns/b');
    await queue.get();
    await clock.advance(3000);
    await queue.get();
    await clock.advance(2000);
    const text = await registry.metrics();
    expect(text).toContain('workqueue_unfinished_work_seconds{name="routes"} 7');
    expect(text).toContain('workqueue_longest_running_processor_seconds{name="routes"} 5');
    expect(text).toContain('workqueue_adds_total{name="routes"} 2');
    expect(text).toContain('workqueue_depth{name="routes"} 0');
  });
});

describe('series at zero before the first event', () => {
  it('exports every series of a controller and its queue before anything happened', async () => {
    const registry = new Registry();
    const metrics = runtimeMetrics(registry);
    metrics.initController('aimodel');
    workQueueMetricsHooks(metrics, 'aimodel');
    const text = await registry.metrics();
    for (const result of ['success', 'error', 'requeue', 'requeue_after'])
      expect(text).toContain(`controller_runtime_reconcile_total{controller="aimodel",result="${result}"} 0`);
    expect(text).toContain('controller_runtime_reconcile_errors_total{controller="aimodel"} 0');
    expect(text).toContain('controller_runtime_terminal_reconcile_errors_total{controller="aimodel"} 0');
    expect(text).toContain('controller_runtime_reconcile_time_seconds_count{controller="aimodel"} 0');
    expect(text).toContain(
      'controller_runtime_reconcile_time_seconds_bucket{le="+Inf",controller="aimodel"} 0',
    );
    expect(text).toContain('controller_runtime_active_workers{controller="aimodel"} 0');
    expect(text).toContain('workqueue_adds_total{name="aimodel"} 0');
    expect(text).toContain('workqueue_retries_total{name="aimodel"} 0');
    expect(text).toContain('workqueue_queue_duration_seconds_count{name="aimodel"} 0');
    expect(text).toContain('workqueue_work_duration_seconds_count{name="aimodel"} 0');
  });
});
