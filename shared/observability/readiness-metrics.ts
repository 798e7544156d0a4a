// The readiness checks of a process as a gauge, evaluated when Prometheus scrapes: /readyz only tells the
// kubelet, which takes a pod out of its Service, while an alert needs to see which check fails and for how
// long. The checks are the ones /readyz runs, evaluated the same way (a throwing check fails).
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { HealthServer } from './health-server.ts';
import { ReadinessChecks } from './readiness-checks.ts';

const READINESS_CHECK_METRIC = 'ai_gateway_operator_readiness_check';

/** `server`, with every readiness check added to it also exported on `registry`, 1 passing, 0 failing. */
export function withReadinessMetrics(server: HealthServer, registry: Registry): HealthServer {
  const checks = new ReadinessChecks();
  new Gauge({
    name: READINESS_CHECK_METRIC,
    help: 'Whether a readiness check of /readyz passes (1) or fails (0)',
    labelNames: ['check'],
    registers: [registry],
    collect() {
      for (const outcome of checks.evaluate().checks) this.set({ check: outcome.name }, outcome.ok ? 1 : 0);
    },
  });
  return {
    host: server.host,
    port: server.port,
    addReadinessCheck(name, check) {
      server.addReadinessCheck(name, check);
      checks.add(name, check);
    },
    close: () => server.close(),
  };
}
