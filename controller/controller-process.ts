// Assembles the controller process from its settings: health and metrics endpoints first (so probes
// answer at once), then the manager with both controllers; runs until a termination signal or the loss
// of the leader Lease, and returns the exit code.
import { HTTPKubeAPI } from '../shared/kube/http/http-kube-api.ts';
import { loadKubeConfig } from '../shared/kube/config.ts';
import type { Logger } from '../shared/logging/logger.ts';
import type { HealthServer } from '../shared/observability/health-server.ts';
import { startHealthServer } from '../shared/observability/health-server.ts';
import { createMetricsRegistry } from '../shared/observability/metrics-registry.ts';
import { withReadinessMetrics } from '../shared/observability/readiness-metrics.ts';
import type { SignalSource } from '../shared/process/signals.ts';
import { stopOnTerminationSignals } from '../shared/process/signals.ts';
import { systemClock } from '../shared/time/clock.ts';
import { APPLIED_HASH_ANNOTATION, FIELD_MANAGER } from './children/labels.ts';
import { gatewayPodSettings } from './config.ts';
import type { ControllerConfig } from './config.ts';
import { registerOperatorResourceMetrics } from './metrics/custom-resource-metrics.ts';
import { addAIModelController } from './reconcilers/aimodel/aimodel-controller.ts';
import { addGatewayController } from './reconcilers/gateway/gateway-controller.ts';
import { createOperatorCaches } from './reconcilers/operator-caches.ts';
import { ServerSideApplier } from './runtime/apply/server-side-applier.ts';
import { EventRecorder } from './runtime/events/event-recorder.ts';
import { defaultIdentity } from './runtime/leader/leader-elector.ts';
import { Manager } from './runtime/manager/manager.ts';

const REPORTING_CONTROLLER = 'gateway.example.com/ai-gateway-operator';

export async function runControllerProcess(
  config: ControllerConfig,
  logger: Logger,
  signals: SignalSource,
): Promise<number> {
  const registry = createMetricsRegistry();
  const api = HTTPKubeAPI.fromKubeConfig(loadKubeConfig(config.kubeconfig), {
    requestTimeoutMs: 30_000,
    userAgent: 'ai-gateway-operator-controller',
  });
  const servers: HealthServer[] = [];
  const health = withReadinessMetrics(
    await startHealthServer({ registry, logger, ...config.healthProbeBindAddress }),
    registry,
  );
  servers.push(health);
  const metrics = config.metricsBindAddress;
  const sameAddress =
    metrics?.host === config.healthProbeBindAddress.host &&
    metrics.port === config.healthProbeBindAddress.port;
  // Each server answers every path; a separate metrics address only moves where Prometheus scrapes.
  if (metrics && !sameAddress) servers.push(await startHealthServer({ registry, logger, ...metrics }));

  const identity = defaultIdentity();
  const manager = new Manager({
    api,
    logger,
    registry,
    ...(config.leaderElect
      ? {
          leaderElection: {
            namespace: config.leaderElectionNamespace,
            name: config.leaderElectionID,
            identity,
          },
        }
      : {}),
  });
  manager.registerReadiness(health);
  const events = new EventRecorder({
    api,
    clock: systemClock,
    logger,
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: identity,
  });
  const deps = {
    api,
    caches: createOperatorCaches(manager.cache, config.namespaces),
    applier: new ServerSideApplier({
      api,
      fieldManager: FIELD_MANAGER,
      hashAnnotation: APPLIED_HASH_ANNOTATION,
    }),
    events,
    clock: systemClock,
    workers: config.workers,
  };
  registerOperatorResourceMetrics(registry, deps.caches);
  addAIModelController(manager, deps, {
    policy: { allowLocalEgress: config.allowLocalEgress, allowedModelImages: config.allowedModelImages },
  });
  addGatewayController(manager, deps, {
    pod: gatewayPodSettings(config),
    resolver: config.gatewayResolver,
    allowLocalEgress: config.allowLocalEgress,
  });

  const removeSignalHandlers = stopOnTerminationSignals(manager, signals, logger);
  logger.info('starting', {
    namespaces: config.namespaces.length ? config.namespaces : 'all',
    leaderElection: config.leaderElect,
    identity,
    workers: config.workers,
  });
  try {
    return await manager.run();
  } finally {
    removeSignalHandlers();
    await events.flush();
    await Promise.all(servers.map((s) => s.close()));
    logger.info('stopped');
  }
}
