// The series controller-runtime exposes for its webhooks, under the same names, so existing dashboards
// and alerts for Go operators work for this one. `webhook` is the endpoint's path.
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

export interface WebhookMetrics {
  /** Call when a request arrives; the returned function when its response is finished. */
  requestStarted(webhook: string): (code: number) => void;
}

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const requests = new Counter({
    name: 'controller_runtime_webhook_requests_total',
    help: 'Total number of admission and conversion requests by HTTP status code.',
    labelNames: ['webhook', 'code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'controller_runtime_webhook_latency_seconds',
    help: 'Histogram of the latency of processing admission and conversion requests.',
    labelNames: ['webhook'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'controller_runtime_webhook_requests_in_flight',
    help: 'Current number of admission and conversion requests being served.',
    labelNames: ['webhook'] as const,
    registers: [registry],
  });
  return {
    requestStarted(webhook) {
      inFlight.inc({ webhook });
      const stopTimer = latency.startTimer({ webhook });
      let done = false;
      return (code) => {
        if (done) return;
        done = true;
        inFlight.dec({ webhook });
        stopTimer();
        requests.inc({ webhook, code: String(code) });
      };
    },
  };
}
