import { describe, expect, it } from '@jest/globals';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { ConfigServing } from './config-serving.ts';
import type { Rollout } from './deployment-rollout.ts';
import {
  RELOAD_CHECK_MS,
  RELOAD_PROBLEM_CHECK_MS,
  servedRouteOutcome,
  servingRecheckMs,
} from './served-route-outcome.ts';

const available: Rollout = {
  state: 'Available',
  desiredReplicas: 2,
  availableReplicas: 2,
  message: '2 of 2',
};
const progressing: Rollout = { ...available, state: 'Progressing', availableReplicas: 1 };
const serving: ConfigServing = { state: 'Serving', pods: 2 };
const loading: ConfigServing = { state: 'Loading', serving: 1, pods: 2, message: 'p2: nginx is loading it' };

function route(readyAtGeneration: boolean): APIGatewayRouteV1 {
  return {
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { name: 'r', namespace: 'ns', generation: 3 },
    spec: { path: '/r', method: 'GET', destinationService: 's', destinationPort: 80 },
    ...(readyAtGeneration
      ? {
          status: {
            observedGeneration: 3,
            conditions: [
              {
                type: 'Ready',
                status: 'True',
                reason: 'Serving',
                message: '',
                lastTransitionTime: '2026-01-01T00:00:00Z',
              },
            ],
          },
        }
      : {}),
  };
}

const outcome = (r: APIGatewayRouteV1, rollout: Rollout, s: ConfigServing) =>
  servedRouteOutcome(r, { gatewayName: 'agw-default', rollout, serving: s });

describe('servedRouteOutcome', () => {
  it('is ready when the rollout is done and every pod runs the configuration', () => {
    expect(outcome(route(false), available, serving)).toEqual({
      kind: 'ready',
      message: 'Served by gateway agw-default',
    });
  });

  it('waits for the reload of a changed route, naming the pods, without a rollout', () => {
    expect(outcome(route(false), available, loading)).toMatchObject({
      kind: 'pending',
      reason: 'GatewayReloading',
      message: expect.stringContaining('1 of 2 pods serve it (p2: nginx is loading it)'),
    });
  });

  it('keeps a route Ready at its generation while another configuration loads, rolls out or is refused', () => {
    for (const [rollout, s] of [
      [available, loading],
      [progressing, serving],
      [available, { state: 'Refused', pod: 'p1', error: 'no' }],
    ] as const) {
      expect(outcome(route(true), rollout, s).kind).toBe('ready');
    }
  });

  it('reports a refused configuration with nginx words, an unreachable reloader, a rollout', () => {
    expect(
      outcome(route(false), available, { state: 'Refused', pod: 'p1', error: '[emerg] bad' }),
    ).toMatchObject({
      kind: 'refused',
      reason: 'GatewayConfigRefused',
      message: expect.stringContaining('nginx in pod p1 of gateway agw-default refused'),
    });
    expect(
      outcome(route(false), available, {
        state: 'Unreachable',
        pod: 'p1',
        address: '10.0.0.1:9901',
        problem: 'timeout',
      }),
    ).toMatchObject({ kind: 'pending', reason: 'ReloaderUnreachable' });
    expect(outcome(route(false), progressing, serving)).toMatchObject({ reason: 'GatewayProgressing' });
    expect(outcome(route(false), available, { state: 'NoPods' })).toMatchObject({
      reason: 'GatewayProgressing',
    });
  });

  it('asks the pods again while they load, less often while something is wrong, not at all otherwise', () => {
    expect(servingRecheckMs(loading)).toBe(RELOAD_CHECK_MS);
    expect(servingRecheckMs({ state: 'Refused', pod: 'p', error: 'e' })).toBe(RELOAD_PROBLEM_CHECK_MS);
    expect(servingRecheckMs(serving)).toBeUndefined();
    expect(servingRecheckMs({ state: 'NoPods' })).toBeUndefined();
  });
});
