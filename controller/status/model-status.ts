// The status of an AIModel, computed from what its reconcile found: the seed fields (phase, reason,
// lastUpdateTime, modelEndpoint) and conditions. lastUpdateTime and lastTransitionTime only move when
// something else does, so recomputing an unchanged state yields an equal status and no write.
import type { AIModelStatusV1, AIModelV1, ModelPhase } from '../../shared/api/aimodel/v1.ts';
import { deepEqual } from '../../shared/util/json.ts';

import type { ConditionDecision } from './conditions.ts';
import { DEGRADED, PROGRESSING, READY, condition, mergeConditions, toKubeTime } from './conditions.ts';
import { REASON } from './reasons.ts';
import type { Rollout } from './deployment-rollout.ts';

/**
 * Why gateways cannot present the model's provider key (spec.credentials): they answer its requests 503
 * until a person creates, fills or marks the Secret.
 */
export interface CredentialsProblem {
  reason: typeof REASON.CredentialsNotFound | typeof REASON.CredentialsRefused;
  message: string;
}

export type ModelOutcome =
  /** Served by our Deployment; `rollout` is read from it. */
  | {
      kind: 'served';
      endpoint: string;
      rollout: Rollout;
      desiredReplicas: number;
      credentials?: CredentialsProblem;
    }
  /** Served outside the cluster, reachable through the ExternalName Service. */
  | { kind: 'external'; endpoint: string; credentials?: CredentialsProblem }
  /** The spec cannot be served as it is; nothing will change until it does. */
  | { kind: 'invalid'; message: string }
  /** A child's name is held by an object the operator did not make; nothing was written. */
  | { kind: 'conflict'; message: string }
  /** Writing the children failed; the reconcile is retried. */
  | { kind: 'failed'; message: string };

interface Decision {
  phase: ModelPhase;
  message: string;
  ready: ConditionDecision;
  progressing: ConditionDecision;
  degraded: ConditionDecision;
}

const notDegraded = condition(DEGRADED, 'False', REASON.AsExpected, 'No problems found');

function decideServed(outcome: Extract<ModelOutcome, { kind: 'served' }>): Decision {
  const { rollout, desiredReplicas } = outcome;
  if (rollout.state === 'Failed') {
    return {
      phase: 'Error',
      message: rollout.message,
      ready: condition(READY, 'False', REASON.ProgressDeadlineExceeded, rollout.message),
      progressing: condition(PROGRESSING, 'False', REASON.ProgressDeadlineExceeded, rollout.message),
      degraded: condition(DEGRADED, 'True', REASON.ProgressDeadlineExceeded, rollout.message),
    };
  }
  const serving = rollout.availableReplicas > 0;
  if (rollout.state === 'Progressing') {
    return {
      phase: serving ? 'Updating' : 'Initializing',
      message: rollout.message,
      ready: condition(READY, 'False', serving ? REASON.Updating : REASON.Initializing, rollout.message),
      progressing: condition(PROGRESSING, 'True', REASON.RollingOut, rollout.message),
      degraded: notDegraded,
    };
  }
  if (desiredReplicas === 0) {
    const message = 'spec.replicas is 0: no pod serves the model';
    return {
      phase: 'Initializing',
      message,
      ready: condition(READY, 'False', REASON.ScaledToZero, message),
      progressing: condition(PROGRESSING, 'False', REASON.RolloutComplete, rollout.message),
      degraded: notDegraded,
    };
  }
  return {
    phase: 'Ready',
    message: `Serving at ${outcome.endpoint}; ${rollout.message}`,
    ready: condition(READY, 'True', REASON.Available, rollout.message),
    progressing: condition(PROGRESSING, 'False', REASON.RolloutComplete, rollout.message),
    degraded: notDegraded,
  };
}

/**
 * A model whose provider key gateways cannot present is not Ready, whatever its pods do: requests through
 * a gateway fail until a person acts, so that is what Ready says. The rollout's own account (Progressing,
 * Degraded, a phase in flight) stays as it is; a model that would be Ready is Initializing, as one scaled
 * to zero is: served, but not usable yet.
 */
function withCredentials(decision: Decision, problem: CredentialsProblem | undefined): Decision {
  if (problem === undefined) return decision;
  return {
    ...decision,
    phase: decision.phase === 'Ready' ? 'Initializing' : decision.phase,
    message: `${problem.message}; ${decision.message}`,
    ready: condition(READY, 'False', problem.reason, problem.message),
  };
}

function decide(outcome: ModelOutcome): Decision {
  switch (outcome.kind) {
    case 'served':
      return withCredentials(decideServed(outcome), outcome.credentials);
    case 'external': {
      const message = `Served outside the cluster; reachable at ${outcome.endpoint}`;
      return withCredentials(
        {
          phase: 'Ready',
          message,
          ready: condition(READY, 'True', REASON.ExternalEndpoint, message),
          progressing: condition(PROGRESSING, 'False', REASON.ExternalEndpoint, 'Nothing to roll out'),
          degraded: notDegraded,
        },
        outcome.credentials,
      );
    }
    case 'invalid':
      return {
        phase: 'Error',
        message: outcome.message,
        ready: condition(READY, 'False', REASON.InvalidSpec, outcome.message),
        progressing: condition(PROGRESSING, 'False', REASON.InvalidSpec, 'Waiting for the spec to be fixed'),
        degraded: condition(DEGRADED, 'True', REASON.InvalidSpec, outcome.message),
      };
    case 'conflict':
      return {
        phase: 'Error',
        message: outcome.message,
        ready: condition(READY, 'False', REASON.ChildConflict, outcome.message),
        progressing: condition(
          PROGRESSING,
          'False',
          REASON.ChildConflict,
          'Waiting for the conflicting object to be removed',
        ),
        degraded: condition(DEGRADED, 'True', REASON.ChildConflict, outcome.message),
      };
    case 'failed':
      return {
        phase: 'Error',
        message: outcome.message,
        ready: condition(READY, 'False', REASON.ReconcileFailed, outcome.message),
        progressing: condition(PROGRESSING, 'True', REASON.Retrying, outcome.message),
        degraded: condition(DEGRADED, 'True', REASON.ReconcileFailed, outcome.message),
      };
  }
}

function endpointOf(outcome: ModelOutcome, previous: AIModelStatusV1 | undefined): string | undefined {
  if (outcome.kind === 'served' || outcome.kind === 'external') return outcome.endpoint;
  // A failed write does not move the model; what it was reachable at still holds.
  return outcome.kind === 'failed' ? previous?.modelEndpoint : undefined;
}

export function computeModelStatus(model: AIModelV1, outcome: ModelOutcome, nowMs: number): AIModelStatusV1 {
  const previous = model.status;
  const generation = model.metadata.generation;
  const decision = decide(outcome);
  const endpoint = endpointOf(outcome, previous);
  const next: AIModelStatusV1 = {
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    phase: decision.phase,
    reason: decision.message,
    ...(endpoint === undefined ? {} : { modelEndpoint: endpoint }),
    conditions: mergeConditions(
      previous?.conditions,
      [decision.ready, decision.progressing, decision.degraded],
      generation,
      nowMs,
    ),
  };
  const unchanged =
    previous?.lastUpdateTime !== undefined && deepEqual({ ...previous, lastUpdateTime: undefined }, next);
  return { ...next, lastUpdateTime: unchanged ? previous.lastUpdateTime : toKubeTime(nowMs) };
}
