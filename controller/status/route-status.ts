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
import { REASON } from './reasons.ts';

const ACCEPTED = 'Accepted';

type PendingReason =
  | typeof REASON.GatewayProgressing
  | typeof REASON.GatewayReloading
  | typeof REASON.ReloaderUnreachable
  | typeof REASON.GatewayRolloutStalled
  | typeof REASON.BackendNotFound
  | typeof REASON.ResolverNotFound;

export type RouteOutcome =
  /** The gateway runs a configuration that holds the route. */
  | { kind: 'ready'; message: string }
  /** Not served yet, for a reason expected to pass (a rollout, a reload, a missing AIModel); `accepted` says the route is in the configuration. */
  | { kind: 'pending'; reason: PendingReason; message: string; accepted: boolean }
  /**
   * In the configuration, but no request passes: no pod serves it and none is coming (the gateway is
   * scaled to zero), or its API-key Secret may not hold keys and is not mounted.
   */
  | {
      kind: 'unserved';
      reason: typeof REASON.GatewayScaledToZero | typeof REASON.ApiKeySecretRefused;
      message: string;
    }
  /**
   * Not in the configuration until someone acts: another route holds the same match, an object the
   * operator did not make holds the name of a gateway child, older routes fill the configuration, or the
   * namespace of the destination Service has not granted the route access.
   */
  | {
      kind: 'rejected';
      reason:
        | typeof REASON.RouteConflict
        | typeof REASON.ChildConflict
        | typeof REASON.GatewayConfigTooLarge
        | typeof REASON.RefNotPermitted;
      message: string;
    }
  /** In the configuration, but nginx refused that configuration and serves the one before. */
  | { kind: 'refused'; reason: typeof REASON.GatewayConfigRefused; message: string }
  /** The spec cannot be served as it is; nothing will change until it does. */
  | { kind: 'invalid'; message: string }
  /** Writing the gateway failed; the reconcile is retried. */
  | { kind: 'failed'; message: string };

interface Decision {
  state: RouteState;
  conditions: ConditionDecision[];
}

/** What a rejected route waits for, in its Progressing condition. */
const REJECTED_WAITS_FOR = {
  RouteConflict: 'Waiting for the conflict to be resolved',
  ChildConflict: 'Waiting for the conflict to be resolved',
  GatewayConfigTooLarge: 'Waiting for room in the gateway configuration',
  RefNotPermitted: 'Waiting for a ReferenceGrant in the namespace of the destination Service',
} as const satisfies Record<Extract<RouteOutcome, { kind: 'rejected' }>['reason'], string>;

const notDegraded = condition(DEGRADED, 'False', REASON.AsExpected, 'No problems found');

function decide(outcome: RouteOutcome): Decision {
  switch (outcome.kind) {
    case 'ready':
      return {
        state: 'Ready',
        conditions: [
          condition(ACCEPTED, 'True', REASON.Accepted, 'The route is in the gateway configuration'),
          condition(READY, 'True', REASON.Serving, outcome.message),
          condition(PROGRESSING, 'False', REASON.RolloutComplete, outcome.message),
          notDegraded,
        ],
      };
    case 'pending':
      return {
        state: 'Pending',
        conditions: [
          outcome.accepted
            ? condition(ACCEPTED, 'True', REASON.Accepted, 'The route is in the gateway configuration')
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
          condition(ACCEPTED, 'True', REASON.Accepted, 'The route is in the gateway configuration'),
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
          condition(PROGRESSING, 'False', outcome.reason, REJECTED_WAITS_FOR[outcome.reason]),
          condition(DEGRADED, 'True', outcome.reason, outcome.message),
        ],
      };
    case 'refused':
      return {
        state: 'Failed',
        conditions: [
          condition(ACCEPTED, 'True', REASON.Accepted, 'The route is in the gateway configuration'),
          condition(READY, 'False', outcome.reason, outcome.message),
          condition(PROGRESSING, 'False', outcome.reason, 'Waiting for a configuration nginx takes'),
          condition(DEGRADED, 'True', outcome.reason, outcome.message),
        ],
      };
    case 'invalid':
      return {
        state: 'Failed',
        conditions: [
          condition(ACCEPTED, 'False', REASON.InvalidSpec, outcome.message),
          condition(READY, 'False', REASON.InvalidSpec, outcome.message),
          condition(PROGRESSING, 'False', REASON.InvalidSpec, 'Waiting for the spec to be fixed'),
          condition(DEGRADED, 'True', REASON.InvalidSpec, outcome.message),
        ],
      };
    case 'failed':
      return {
        state: 'Failed',
        conditions: [
          condition(ACCEPTED, 'Unknown', REASON.ReconcileFailed, outcome.message),
          condition(READY, 'False', REASON.ReconcileFailed, outcome.message),
          condition(PROGRESSING, 'True', REASON.Retrying, outcome.message),
          condition(DEGRADED, 'True', REASON.ReconcileFailed, outcome.message),
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
