// One prom-client Registry per process, with Node's process metrics (CPU, memory, event loop lag, GC)
// registered on it, so a process exposes everything it measures from one place.
import { Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Labels added to every series, e.g. `{ component: 'webhook' }`. */
  defaultLabels?: Record<string, string>;
  /** Process metrics are on unless switched off (tests that create many registries). */
  processMetrics?: boolean;
}

export function createMetricsRegistry(opts: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (opts.defaultLabels) registry.setDefaultLabels(opts.defaultLabels);
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
