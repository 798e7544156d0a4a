// The outcome of a route its gateway takes (admitted, in the configuration): Ready once every pod that
// serves runs the configuration that holds it. The Deployment's rollout tells about the pods themselves
// (a new image, new Secret mounts); the pods' reloaders tell which configuration each one runs, as a change
// of routes rolls no pod.
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import { READY, findCondition } from './conditions.ts';
import type { ConfigServing } from './config-serving.ts';
import type { Rollout } from './deployment-rollout.ts';
import { REASON } from './reasons.ts';
import type { RouteOutcome } from './route-status.ts';

export interface GatewayServing {
  /** `agw-<gateway>`. */
  gatewayName: string;
  rollout: Rollout;
  serving: ConfigServing;
}

/** How often a gateway's reloaders are asked again while its pods load a configuration. */
export const RELOAD_CHECK_MS = 1000;
/** ... while one cannot be reached, or nginx refused the configuration (it may still load it later). */
export const RELOAD_PROBLEM_CHECK_MS = 10_000;

/** When to look at the pods again; undefined when only an event can change what they report. */
export function servingRecheckMs(serving: ConfigServing): number | undefined {
  switch (serving.state) {
    case 'Loading':
      return RELOAD_CHECK_MS;
    case 'Unreachable':
    case 'Refused':
      return RELOAD_PROBLEM_CHECK_MS;
    case 'Serving':
    case 'NoPods':
      return undefined;
  }
}

/**
 * A route that was Ready at this generation stays Ready while a configuration made for other routes
 * rolls out or loads, or is refused: the pods that serve meanwhile all hold the route. Without this,
 * adding one route would flap every other route of the gateway.
 */
function stillServed(route: APIGatewayRouteV1, { rollout, serving }: GatewayServing): boolean {
  const ready = findCondition(route.status?.conditions, READY);
  return (
    (rollout.state === 'Progressing' || serving.state !== 'Serving') &&
    rollout.availableReplicas > 0 &&
    ready?.status === 'True' &&
    route.status?.observedGeneration === route.metadata.generation
  );
}

function loadingMessage(gatewayName: string, serving: ConfigServing): string {
  const progress =
    serving.state === 'Loading'
      ? `${serving.serving} of ${serving.pods} pods serve it (${serving.message})`
      : '';
  return (
    `Gateway ${gatewayName} is loading the configuration that holds this route${progress ? `: ${progress}` : ''}; ` +
    'the kubelet updates the mounted configuration within about a minute'
  );
}

export function servedRouteOutcome(route: APIGatewayRouteV1, view: GatewayServing): RouteOutcome {
  const { gatewayName, rollout, serving } = view;
  if (rollout.desiredReplicas === 0) {
    return {
      kind: 'unserved',
      reason: REASON.GatewayScaledToZero,
      message: `The gateway Deployment ${gatewayName} has 0 replicas: no pod serves the route`,
    };
  }
  if (rollout.state === 'Available' && serving.state === 'Serving') {
    return { kind: 'ready', message: `Served by gateway ${gatewayName}` };
  }
  if (stillServed(route, view)) return { kind: 'ready', message: `Served by gateway ${gatewayName}` };
  if (rollout.state === 'Failed') {
    return {
      kind: 'pending',
      reason: REASON.GatewayRolloutStalled,
      message: rollout.message,
      accepted: true,
    };
  }
  if (serving.state === 'Refused') {
    return {
      kind: 'refused',
      reason: REASON.GatewayConfigRefused,
      message: `nginx in pod ${serving.pod} of gateway ${gatewayName} refused the configuration that holds this route and keeps serving the one before: ${serving.error}`,
    };
  }
  if (serving.state === 'Unreachable') {
    return {
      kind: 'pending',
      reason: REASON.ReloaderUnreachable,
      message: `Cannot tell whether gateway ${gatewayName} serves this route: the reloader of pod ${serving.pod} at ${serving.address} did not answer (${serving.problem}); the operator must reach gateway pods on that port`,
      accepted: true,
    };
  }
  if (rollout.state === 'Progressing' || serving.state === 'NoPods') {
    return {
      kind: 'pending',
      reason: REASON.GatewayProgressing,
      message: `Gateway ${gatewayName} is rolling out the pods that serve this route`,
      accepted: true,
    };
  }
  return {
    kind: 'pending',
    reason: REASON.GatewayReloading,
    message: loadingMessage(gatewayName, serving),
    accepted: true,
  };
}
