// The status of an APIGatewayRoute, computed from what its gateway's reconcile found: the seed fields
// (state, message, lastReconciledTime) and conditions. Timestamps only move when something else does,
// so recomputing an unchanged state yields an equal status and no write.
import type {
  APIGatewayRouteStatusV1,
  APIGatewayRouteV1,
  RouteState,
} from '../../shared/api/apigatewayroute/v1.ts';
import { deepEqual } from '../../shared/util/json.ts';

import type { ConditionDecision } from './conditions.ts';
import { DEGRADED, PROGRESSING, READY, condition, mergeConditions, toKubeTime } from './conditions.ts';

export const ACCEPTED = 'Accepted';

export type RouteOutcome =
  /** The gateway runs a configuration that holds the route. */
  | { kind: 'ready'; message: string }
  /** Not served yet, for a reason expected to pass (a rollout, a missing AIModel); `accepted` says the route is in the configuration. */
  | { kind: 'pending'; reason: string; message: string; accepted: boolean }
  /** In the configuration, but no pod serves it and none is coming (the gateway is scaled to zero). */
  | { kind: 'unserved'; reason: string; message: string }
  /** Left out of the configuration because another route holds the same match. */
  | { kind: 'rejected'; reason: string; message: string }
  /** The spec cannot be served as it is; nothing will change until it does. */
  | { kind: 'invalid'; message: string }
  /** Writing the gateway failed; the reconcile is retried. */
  | { kind: 'failed'; message: string };

interface Decision {
  state: RouteState;
  conditions: ConditionDecision[];
}

const notDegraded = condition(DEGRADED, 'False', 'AsExpected', 'No problems found');

function decide(outcome: RouteOutcome): Decision {
  switch (outcome.kind) {
    case 'ready':
      return {
        state: 'Ready',
        conditions: [
          condition(ACCEPTED, 'True', 'Accepted', 'The route is in the gateway configuration'),
          condition(READY, 'True', 'Serving', outcome.message),
          condition(PROGRESSING, 'False', 'RolloutComplete', outcome.message),
          notDegraded,
        ],
      };
    case 'pending':
      return {
        state: 'Pending',
        conditions: [
          outcome.accepted
            ? condition(ACCEPTED, 'True', 'Accepted', 'The route is in the gateway configuration')
            : condition(ACCEPTED, 'False', outcome.reason, outcome.message),
          condition(READY, 'False', outcome.reason, outcome.message),
          condition(PROGRESSING, 'True', outcome.reason, outcome.message),
          notDegraded,
        ],
      };
    case 'unserved':
      return {
        state: 'Pending',
        conditions: [
          condition(ACCEPTED, 'True', 'Accepted', 'The route is in the gateway configuration'),
          condition(READY, 'False', outcome.reason, outcome.message),
          condition(PROGRESSING, 'False', outcome.reason, 'Nothing is rolling out'),
          notDegraded,
        ],
      };
    case 'rejected':
      return {
        state: 'Failed',
        conditions: [
          condition(ACCEPTED, 'False', outcome.reason, outcome.message),
          condition(READY, 'False', outcome.reason, outcome.message),
          condition(PROGRESSING, 'False', outcome.reason, 'Waiting for the conflict to be resolved'),
          condition(DEGRADED, 'True', outcome.reason, outcome.message),
        ],
      };
    case 'invalid':
      return {
        state: 'Failed',
        conditions: [
          condition(ACCEPTED, 'False', 'InvalidSpec', outcome.message),
          condition(READY, 'False', 'InvalidSpec', outcome.message),
          condition(PROGRESSING, 'False', 'InvalidSpec', 'Waiting for the spec to be fixed'),
          condition(DEGRADED, 'True', 'InvalidSpec', outcome.message),
        ],
      };
    case 'failed':
      return {
        state: 'Failed',
        conditions: [
          condition(ACCEPTED, 'Unknown', 'ReconcileFailed', outcome.message),
          condition(READY, 'False', 'ReconcileFailed', outcome.message),
          condition(PROGRESSING, 'True', 'Retrying', outcome.message),
          condition(DEGRADED, 'True', 'ReconcileFailed', outcome.message),
        ],
      };
  }
}

export function computeRouteStatus(
  route: APIGatewayRouteV1,
  outcome: RouteOutcome,
  nowMs: number,
): APIGatewayRouteStatusV1 {
  const previous = route.status;
  const generation = route.metadata.generation;
  const decision = decide(outcome);
  const next: APIGatewayRouteStatusV1 = {
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    state: decision.state,
    message: outcome.message,
    conditions: mergeConditions(previous?.conditions, decision.conditions, generation, nowMs),
  };
  const unchanged =
    previous?.lastReconciledTime !== undefined &&
    deepEqual({ ...previous, lastReconciledTime: undefined }, next);
  return { ...next, lastReconciledTime: unchanged ? previous.lastReconciledTime : toKubeTime(nowMs) };
}
