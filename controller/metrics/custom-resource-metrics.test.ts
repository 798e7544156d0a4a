import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import type { Condition } from '../../shared/kube/meta-v1-types.ts';
import type { CountedInformer } from './custom-resource-metrics.ts';
import { registerCustomResourceMetrics } from './custom-resource-metrics.ts';

function resource(namespace: string, name: string, ready?: Pick<Condition, 'status' | 'reason'>) {
  const conditions: Condition[] = ready
    ? [
        { type: 'Progressing', status: 'True', reason: 'RollingOut', message: '', lastTransitionTime: '' },
        { type: 'Ready', ...ready, message: '', lastTransitionTime: '' },
      ]
    : [];
  return { apiVersion: 'v1', kind: 'Thing', metadata: { namespace, name }, status: { conditions } };
}

function informer(objects: ReturnType<typeof resource>[], hasSynced = true): CountedInformer {
  return { hasSynced, store: { list: () => objects } };
}

async function samples(registry: Registry): Promise<Record<string, number>> {
  const [metric] = await registry.getMetricsAsJSON();
  return Object.fromEntries(
    (metric?.values ?? []).map((v) => [
      `${v.labels.kind} ${v.labels.resource_namespace} ${v.labels.ready} ${v.labels.reason}`,
      v.value,
    ]),
  );
}

describe('registerCustomResourceMetrics', () => {
  it('counts the objects of every informer by namespace and Ready condition, at each scrape', async () => {
    const registry = new Registry();
    const teamA = [
      resource('a', 'one', { status: 'True', reason: 'Serving' }),
      resource('a', 'two', { status: 'True', reason: 'Serving' }),
      resource('a', 'three', { status: 'False', reason: 'RouteConflict' }),
    ];
    const teamB = [resource('b', 'fresh')];
    registerCustomResourceMetrics(registry, [
      { kind: 'APIGatewayRoute', informers: [informer(teamA), informer(teamB)] },
    ]);
    expect(await samples(registry)).toEqual({
      'APIGatewayRoute a True Serving': 2,
      'APIGatewayRoute a False RouteConflict': 1,
      'APIGatewayRoute b Unknown ': 1,
    });

    // A fixed route: its old count goes, not stays at 1.
    teamA[2] = resource('a', 'three', { status: 'True', reason: 'Serving' });
    teamB.pop();
    expect(await samples(registry)).toEqual({ 'APIGatewayRoute a True Serving': 3 });
  });

  it('reports nothing for a kind until all its informers have synced', async () => {
    const registry = new Registry();
    const models = [resource('a', 'm', { status: 'True', reason: 'Available' })];
    registerCustomResourceMetrics(registry, [
      { kind: 'AIModel', informers: [informer(models), informer([], false)] },
      { kind: 'APIGatewayRoute', informers: [informer([])] },
    ]);
    expect(await samples(registry)).toEqual({});
  });
});
