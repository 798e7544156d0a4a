import { describe, expect, it } from '@jest/globals';
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { Deployment } from '../children/kube-objects.ts';

import { findCondition, mergeConditions } from './conditions.ts';
import { deploymentRollout } from './deployment-rollout.ts';
import { computeModelStatus } from './model-status.ts';
import type { ModelOutcome } from './model-status.ts';
import { computeRouteStatus } from './route-status.ts';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const MS0 = Date.parse(T0);
const MS1 = Date.parse(T1);

function deployment(generation: number, status: Deployment['status'], replicas = 2): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'aim-gemma', namespace: 'ml', generation },
    spec: { replicas, selector: { matchLabels: {} }, template: {} as Deployment['spec']['template'] },
    status,
  };
}

function model(generation = 1, status?: AIModelV1['status']): AIModelV1 {
  return {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { name: 'gemma', namespace: 'ml', uid: 'u', generation },
    spec: { modelName: 'gemma', modelProvider: 'Custom', modelType: 'LLM', image: 'img' },
    ...(status ? { status } : {}),
  };
}

const available = deploymentRollout(
  deployment(3, { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
);
const served = (rollout = available, desiredReplicas = 2): ModelOutcome => ({
  kind: 'served',
  endpoint: 'http://aim-gemma.ml.svc',
  rollout,
  desiredReplicas,
});

describe('deploymentRollout', () => {
  it('is available only once the current generation runs every replica', () => {
    expect(available.state).toBe('Available');
    const cases: Deployment['status'][] = [
      { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      { observedGeneration: 3, replicas: 3, updatedReplicas: 1, availableReplicas: 2 },
      { observedGeneration: 3, replicas: 3, updatedReplicas: 2, availableReplicas: 3 },
      { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 1 },
    ];
    for (const status of cases) expect(deploymentRollout(deployment(3, status)).state).toBe('Progressing');
  });

  it('says only how many pods are available while rolling out, so steps of a rollout write no status', () => {
    const messages = [
      { observedGeneration: 2, availableReplicas: 2 },
      { observedGeneration: 3, replicas: 3, updatedReplicas: 1, availableReplicas: 2 },
      { observedGeneration: 3, replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
    ].map((status) => deploymentRollout(deployment(3, status)).message);
    expect(new Set(messages)).toEqual(new Set(['Deployment aim-gemma: rolling out, 2 of 2 pods available']));
  });

  it('tells the replicas asked for, so a Deployment scaled to zero is not taken for one serving', () => {
    const scaled = deploymentRollout(
      deployment(4, { observedGeneration: 4, replicas: 0, updatedReplicas: 0, availableReplicas: 0 }, 0),
    );
    expect(scaled).toMatchObject({ state: 'Available', desiredReplicas: 0, availableReplicas: 0 });
    expect(available.desiredReplicas).toBe(2);
  });

  it('fails when the Deployment controller gave up', () => {
    const rollout = deploymentRollout(
      deployment(3, {
        observedGeneration: 3,
        conditions: [
          { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'too slow' },
        ],
      }),
    );
    expect(rollout).toMatchObject({
      state: 'Failed',
      message: 'Deployment aim-gemma: rollout stalled: too slow',
    });
  });
});

describe('mergeConditions', () => {
  it('keeps lastTransitionTime while the status holds and moves it when it changes', () => {
    const first = mergeConditions(
      undefined,
      [{ type: 'Ready', status: 'False', reason: 'Initializing', message: 'a' }],
      1,
      MS0,
    );
    const same = mergeConditions(
      first,
      [{ type: 'Ready', status: 'False', reason: 'Updating', message: 'b' }],
      2,
      MS1,
    );
    expect(same[0]).toEqual({
      type: 'Ready',
      status: 'False',
      observedGeneration: 2,
      lastTransitionTime: T0,
      reason: 'Updating',
      message: 'b',
    });
    const flipped = mergeConditions(
      same,
      [{ type: 'Ready', status: 'True', reason: 'Available', message: 'c' }],
      2,
      MS1,
    );
    expect(flipped[0]?.lastTransitionTime).toBe(T1);
  });

  it('keeps conditions of other types and writes whole seconds', () => {
    const other = {
      type: 'Custom',
      status: 'True' as const,
      lastTransitionTime: T0,
      reason: 'X',
      message: 'x',
    };
    const merged = mergeConditions(
      [other],
      [{ type: 'Ready', status: 'True', reason: 'Available', message: 'a' }],
      1,
      MS1 + 999,
    );
    expect(merged).toEqual([other, expect.objectContaining({ type: 'Ready', lastTransitionTime: T1 })]);
  });
});

describe('computeModelStatus', () => {
  it('reports a served, available model as Ready with its endpoint', () => {
    const status = computeModelStatus(model(), served(), MS0);
    expect(status).toMatchObject({
      observedGeneration: 1,
      phase: 'Ready',
      modelEndpoint: 'http://aim-gemma.ml.svc',
      lastUpdateTime: T0,
    });
    expect(findCondition(status.conditions, 'Ready')).toMatchObject({ status: 'True', reason: 'Available' });
    expect(findCondition(status.conditions, 'Progressing')).toMatchObject({ status: 'False' });
    expect(findCondition(status.conditions, 'Degraded')).toMatchObject({ status: 'False' });
  });

  it('yields an identical status, timestamps included, when nothing changed', () => {
    const first = computeModelStatus(model(), served(), MS0);
    expect(computeModelStatus(model(1, first), served(), MS1)).toEqual(first);
  });

  it('stamps lastUpdateTime when anything changes, also only observedGeneration', () => {
    const first = computeModelStatus(model(), served(), MS0);
    const next = computeModelStatus(model(2, first), served(), MS1);
    expect(next.lastUpdateTime).toBe(T1);
    expect(findCondition(next.conditions, 'Ready')?.lastTransitionTime).toBe(T0);
  });

  it('tells Initializing (nothing serving yet) from Updating (a rollout while serving)', () => {
    const starting = deploymentRollout(
      deployment(1, { observedGeneration: 1, replicas: 2, updatedReplicas: 2 }),
    );
    expect(computeModelStatus(model(), served(starting), MS0)).toMatchObject({ phase: 'Initializing' });
    const rolling = deploymentRollout(
      deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 2 }),
    );
    const status = computeModelStatus(model(), served(rolling), MS0);
    expect(status.phase).toBe('Updating');
    expect(findCondition(status.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'Updating' });
    expect(findCondition(status.conditions, 'Progressing')).toMatchObject({ status: 'True' });
  });

  it('is not Ready with no replica to serve', () => {
    const status = computeModelStatus(model(), served(available, 0), MS0);
    expect(findCondition(status.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ScaledToZero',
    });
  });

  it('reports an external model as Ready at its in-cluster alias', () => {
    const status = computeModelStatus(
      model(),
      { kind: 'external', endpoint: 'https://aim-gemma.ml.svc/v1' },
      MS0,
    );
    expect(status).toMatchObject({ phase: 'Ready', modelEndpoint: 'https://aim-gemma.ml.svc/v1' });
  });

  it('reports an invalid spec as Error, Degraded, without an endpoint', () => {
    const status = computeModelStatus(model(), { kind: 'invalid', message: 'spec.endpoint: bad' }, MS0);
    expect(status).toMatchObject({ phase: 'Error', reason: 'spec.endpoint: bad' });
    expect(status.modelEndpoint).toBeUndefined();
    expect(findCondition(status.conditions, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
    });
  });

  it('keeps the endpoint through a failed write', () => {
    const first = computeModelStatus(model(), served(), MS0);
    const failed = computeModelStatus(model(1, first), { kind: 'failed', message: 'apply: 500' }, MS1);
    expect(failed).toMatchObject({ phase: 'Error', modelEndpoint: 'http://aim-gemma.ml.svc' });
  });

  it('reports a child name held by someone else as Error, not Ready, Degraded, with no endpoint', () => {
    const message = 'ConfigMap aim-gemma exists without the label …';
    const status = computeModelStatus(model(), { kind: 'conflict', message }, MS0);
    expect(status).toMatchObject({ phase: 'Error', reason: message });
    expect(status.modelEndpoint).toBeUndefined();
    const conflict = { reason: 'ChildConflict' };
    expect(findCondition(status.conditions, 'Ready')).toMatchObject({
      ...conflict,
      status: 'False',
      message,
    });
    expect(findCondition(status.conditions, 'Progressing')).toMatchObject({ ...conflict, status: 'False' });
    expect(findCondition(status.conditions, 'Degraded')).toMatchObject({ ...conflict, status: 'True' });
  });
  it('is not Ready while gateways cannot present the provider key, and keeps the rollout as it is', () => {
    const credentials = { reason: 'CredentialsNotFound' as const, message: 'Secret openai not found' };
    const status = computeModelStatus(model(), { ...served(), credentials } as ModelOutcome, MS0);
    expect(status).toMatchObject({ phase: 'Initializing', modelEndpoint: 'http://aim-gemma.ml.svc' });
    expect(status.reason).toMatch(/^Secret openai not found; Serving at /);
    expect(findCondition(status.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'CredentialsNotFound',
      message: 'Secret openai not found',
    });
    expect(findCondition(status.conditions, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'RolloutComplete',
    });
    expect(findCondition(status.conditions, 'Degraded')).toMatchObject({ status: 'False' });

    const refused = { reason: 'CredentialsRefused' as const, message: 'Secret openai is not marked' };
    const external = computeModelStatus(
      model(),
      { kind: 'external', endpoint: 'https://aim-gemma.ml.svc/v1', credentials: refused },
      MS0,
    );
    expect(external.phase).toBe('Initializing');
    expect(findCondition(external.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'CredentialsRefused',
    });

    const rolling = deploymentRollout(
      deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 2 }),
    );
    const updating = computeModelStatus(model(), { ...served(rolling), credentials } as ModelOutcome, MS0);
    expect(updating.phase).toBe('Updating');
    expect(findCondition(updating.conditions, 'Ready')).toMatchObject({ reason: 'CredentialsNotFound' });
    expect(findCondition(updating.conditions, 'Progressing')).toMatchObject({ status: 'True' });
  });
});

describe('computeRouteStatus', () => {
  const route = (status?: APIGatewayRouteV1['status']): APIGatewayRouteV1 => ({
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { name: 'r', namespace: 'ns', uid: 'u', generation: 4 },
    spec: { path: '/a', method: 'GET', destinationService: 's', destinationPort: 80 },
    ...(status ? { status } : {}),
  });

  it('maps outcomes to state and conditions', () => {
    const ready = computeRouteStatus(route(), { kind: 'ready', message: 'served by agw-default' }, MS0);
    expect(ready).toMatchObject({ state: 'Ready', observedGeneration: 4, lastReconciledTime: T0 });
    expect(findCondition(ready.conditions, 'Ready')).toMatchObject({ status: 'True' });
    expect(findCondition(ready.conditions, 'Accepted')).toMatchObject({ status: 'True' });

    const rejected = computeRouteStatus(
      route(),
      { kind: 'rejected', reason: 'RouteConflict', message: 'GET /a is served by route "older"' },
      MS0,
    );
    expect(rejected).toMatchObject({ state: 'Failed', message: 'GET /a is served by route "older"' });
    expect(findCondition(rejected.conditions, 'Accepted')).toMatchObject({
      status: 'False',
      reason: 'RouteConflict',
    });

    const pending = computeRouteStatus(
      route(),
      { kind: 'pending', reason: 'BackendNotFound', message: 'AIModel "m" not found', accepted: true },
      MS0,
    );
    expect(pending.state).toBe('Pending');
    expect(findCondition(pending.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'BackendNotFound',
    });
  });

  it('reports a route no pod serves as accepted, not Ready, with nothing rolling out', () => {
    const message = 'The gateway Deployment agw-default has 0 replicas: no pod serves the route';
    const status = computeRouteStatus(
      route(),
      { kind: 'unserved', reason: 'GatewayScaledToZero', message },
      MS0,
    );
    expect(status).toMatchObject({ state: 'Pending', message });
    expect(findCondition(status.conditions, 'Accepted')).toMatchObject({ status: 'True' });
    expect(findCondition(status.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'GatewayScaledToZero',
      message,
    });
    expect(findCondition(status.conditions, 'Progressing')).toMatchObject({ status: 'False' });
    expect(findCondition(status.conditions, 'Degraded')).toMatchObject({ status: 'False' });
  });

  it('reports a gateway child held by someone else as Failed and not accepted', () => {
    const message = 'Service agw-default exists without the label …';
    const status = computeRouteStatus(route(), { kind: 'rejected', reason: 'ChildConflict', message }, MS0);
    expect(status).toMatchObject({ state: 'Failed', message });
    expect(findCondition(status.conditions, 'Accepted')).toMatchObject({
      status: 'False',
      reason: 'ChildConflict',
    });
    expect(findCondition(status.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ChildConflict',
      message,
    });
  });

  it('yields an identical status when nothing changed', () => {
    const first = computeRouteStatus(route(), { kind: 'ready', message: 'served' }, MS0);
    expect(computeRouteStatus(route(first), { kind: 'ready', message: 'served' }, MS1)).toEqual(first);
  });
});
