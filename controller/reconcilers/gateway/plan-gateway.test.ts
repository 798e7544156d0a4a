import { describe, expect, it } from '@jest/globals';
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import { planGateway, referencedModels, routeModelNames } from './plan-gateway.ts';
import type { GrantsOf } from './plan-gateway.ts';
import type { ReferenceGrant } from './reference-grants.ts';
import {
  gatewaysReaching,
  gatewaysOf,
  indexByFallback,
  indexByModel,
  indexByTargetNamespace,
} from './route-indexes.ts';

const NS = 'shop';

function route(name: string, spec: Partial<APIGatewayRouteV1['spec']>): APIGatewayRouteV1 {
  return {
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { name, namespace: NS, uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { path: `/${name}`, method: 'POST', ...spec },
  };
}

const routing = (name: string, ...models: string[]) =>
  route(name, { aiModelRouting: { models: models.map((m) => ({ name: m })) } });

function model(name: string, spec: Partial<AIModelV1['spec']> = {}): AIModelV1 {
  return {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { name, namespace: NS },
    spec: {
      modelName: `${name}-model`,
      modelProvider: 'OpenAI',
      modelType: 'LLM',
      endpoint: `https://${name}.example.com/v1`,
      ...spec,
    },
  };
}

const credentials = (name: string, key: string) => ({ secretKeyRef: { name, key } });
const fallbacks = (...names: string[]) => names.map((name) => ({ name }));

const store = (...models: AIModelV1[]) => {
  const byKey = new Map(models.map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, m]));
  return ({ namespace, name }: { namespace?: string; name: string }) => byKey.get(`${namespace}/${name}`);
};
const names = (models: readonly AIModelV1[]) => models.map((m) => m.metadata.name);

describe('referencedModels', () => {
  const a = model('a', { fallbacks: fallbacks('b', 'missing') });
  const b = model('b', { fallbacks: fallbacks('c') });
  const c = model('c');
  const d = model('d');

  it('holds the models of aiModelRef and aiModelRouting and their fallbacks, once each', () => {
    const routes = [routing('chat', 'a', 'd'), route('ref', { aiModelRef: { name: 'b' } })];
    expect(names(referencedModels(routes, store(a, b, c, d)))).toEqual(['a', 'd', 'b', 'c']);
  });

  it("does not follow a fallback's fallbacks", () => {
    expect(names(referencedModels([routing('chat', 'a')], store(a, b, c, d)))).toEqual(['a', 'b']);
  });

  it('leaves out models that do not exist or are being deleted', () => {
    const deleting = { ...d, metadata: { ...d.metadata, deletionTimestamp: '2026-01-02T00:00:00Z' } };
    expect(names(referencedModels([routing('chat', 'a', 'd', 'x')], store(a, deleting)))).toEqual(['a']);
  });

  it('has the routes name their models for the index, and a model name its fallbacks', () => {
    expect(routeModelNames(routing('chat', 'a', 'd'))).toEqual(['a', 'd']);
    expect(routeModelNames(route('svc', { destinationService: 'backend', destinationPort: 80 }))).toEqual([]);
    expect(indexByModel(routing('chat', 'a', 'd'))).toEqual(['shop/a', 'shop/d']);
    expect(indexByFallback(a)).toEqual(['shop/b', 'shop/missing']);
  });

  it("finds the gateways whose routes reach a model, also as another model's fallback", () => {
    const routes = [routing('chat', 'a'), route('edge', { aiModelRef: { name: 'b' }, gateway: 'edge' })];
    const requests = gatewaysReaching(
      b,
      (key) => routes.filter((r) => indexByModel(r).includes(key)),
      (key) => [a, b, c, d].filter((m) => indexByFallback(m).includes(key)),
    );
    expect(requests).toEqual([
      { namespace: NS, name: 'edge' },
      { namespace: NS, name: 'default' },
    ]);
  });
});

describe('planGateway', () => {
  it('reports the models an aiModelRouting route names that do not exist, sorted', () => {
    const chat = routing('chat', 'zeta', 'a', 'alpha');
    const plan = planGateway([chat], [model('a')]);
    expect(plan.served).toEqual([chat]);
    expect(plan.missingModels.get(chat)).toEqual(['alpha', 'zeta']);
    expect(planGateway([chat], [model('a'), model('alpha'), model('zeta')]).missingModels.size).toBe(0);
  });

  it('names the models of aiModelRouting that a model listed before them shadows by its modelName', () => {
    const chat = routing('chat', 'a', 'b', 'c', 'd');
    const plan = planGateway(
      [chat],
      [model('a'), model('b', { modelName: 'a-model' }), model('c'), model('d', { modelName: 'a-model' })],
    );
    expect(plan.shadowedModels.get(chat)).toEqual([
      { model: 'b', modelName: 'a-model', by: 'a' },
      { model: 'd', modelName: 'a-model', by: 'a' },
    ]);
    expect(planGateway([chat], [model('a'), model('b'), model('c')]).shadowedModels.size).toBe(0);
  });

  it('reports the missing model of aiModelRef as before', () => {
    const ref = route('ref', { method: 'GET', aiModelRef: { name: 'gemma' } });
    expect(planGateway([ref], []).missingModels.get(ref)).toEqual(['gemma']);
  });

  it("collects the Secrets and keys the served routes' models and fallbacks name, sorted", () => {
    const models = [
      model('a', { credentials: credentials('openai', 'team-b'), fallbacks: fallbacks('b') }),
      model('b', { credentials: credentials('anthropic', 'key'), fallbacks: fallbacks('c') }),
      model('c', { credentials: credentials('unreached', 'key') }),
      model('d', { credentials: credentials('openai', 'team-a') }),
      model('e', { credentials: credentials('openai', 'team-b') }),
    ];
    const plan = planGateway(
      [
        routing('chat', 'a'),
        route('ref', { method: 'GET', aiModelRef: { name: 'd' } }),
        routing('more', 'e'),
      ],
      models,
    );
    expect(plan.credentialSecrets).toEqual([
      { name: 'anthropic', keys: ['key'] },
      { name: 'openai', keys: ['team-a', 'team-b'] },
    ]);
  });

  it('names no Secret for routes that are not served', () => {
    const first = routing('chat', 'a');
    const second = { ...routing('chat2', 'b'), spec: { ...first.spec } };
    second.metadata.creationTimestamp = '2026-01-02T00:00:00Z';
    second.spec = { ...second.spec, aiModelRouting: { models: [{ name: 'b' }] } };
    const plan = planGateway(
      [first, second],
      [model('a'), model('b', { credentials: credentials('openai', 'key') })],
    );
    expect(plan.conflicting.map((c) => c.route)).toEqual([second]);
    expect(plan.credentialSecrets).toEqual([]);
  });
});

describe('planGateway with routes to other namespaces', () => {
  const toService = (name: string, destinationService: string, path = `/${name}`) =>
    route(name, { path, method: 'GET', destinationService, destinationPort: 80 });
  const grant = (namespace: string, from: string, service?: string): ReferenceGrant => ({
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: `from-${from}`, namespace },
    spec: {
      from: [{ group: 'gateway.example.com', kind: 'APIGatewayRoute', namespace: from }],
      to: [{ group: '', kind: 'Service', ...(service === undefined ? {} : { name: service }) }],
    },
  });
  const grantsIn =
    (...grants: ReferenceGrant[]): GrantsOf =>
    (namespace) =>
      grants.filter((g) => g.metadata.namespace === namespace);

  it('serves routes to Services of their own namespace, however spelt, without any grant', () => {
    const routes = [
      toService('a', 'users'),
      toService('b', `users.${NS}`),
      toService('c', `users.${NS}.svc.cluster.local`),
      toService('d', 'api.example.com'),
    ];
    expect(planGateway(routes, []).served).toEqual(routes);
  });

  it('refuses a route to another namespace without a grant there, naming both namespaces', () => {
    const other = toService('other', 'orders.billing.svc.cluster.local');
    const plan = planGateway([other], []);
    expect(plan.served).toEqual([]);
    expect(plan.members).toEqual([other]);
    expect(plan.notPermitted).toEqual([
      {
        route: other,
        message:
          'spec.destinationService "orders.billing.svc.cluster.local" reaches Service orders in namespace billing, and no ReferenceGrant (gateway.networking.k8s.io/v1beta1) there permits APIGatewayRoutes from namespace shop to reach Service orders; the route is not served until one does',
      },
    ]);
  });

  it('serves it with a grant in the Service namespace for the route namespace and the Service', () => {
    const other = toService('other', 'orders.billing');
    for (const grants of [grantsIn(grant('billing', NS)), grantsIn(grant('billing', NS, 'orders'))]) {
      expect(planGateway([other], [], false, grants).served).toEqual([other]);
    }
  });

  it('does not count a grant elsewhere, for another namespace, Service, kind or group', () => {
    const other = toService('other', 'orders.billing');
    const wrong: ReferenceGrant[] = [
      grant('shop', NS),
      grant('billing', 'team-b'),
      grant('billing', NS, 'payments'),
      {
        ...grant('billing', NS),
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: NS }],
          to: [{ group: '', kind: 'Service' }],
        },
      },
      {
        ...grant('billing', NS),
        spec: {
          from: [{ group: 'gateway.example.com', kind: 'APIGatewayRoute', namespace: NS }],
          to: [{ group: '', kind: 'Secret' }],
        },
      },
    ];
    for (const g of wrong) {
      expect(planGateway([other], [], false, grantsIn(g)).notPermitted.map((p) => p.route)).toEqual([other]);
    }
  });

  it('lets a permitted route win the path a route without consent also claims', () => {
    const unpermitted = toService('first', 'orders.billing', '/same');
    const permitted = { ...toService('second', 'users', '/same') };
    permitted.metadata = { ...permitted.metadata, creationTimestamp: '2026-02-01T00:00:00Z' };
    const plan = planGateway([unpermitted, permitted], []);
    expect(plan.served).toEqual([permitted]);
    expect(plan.conflicting).toEqual([]);
  });

  it('indexes routes by the other namespace they reach, for the gateways a grant concerns', () => {
    expect(indexByTargetNamespace(toService('a', 'orders.billing.svc'))).toEqual(['billing']);
    expect(indexByTargetNamespace(toService('b', 'users'))).toEqual([]);
    expect(indexByTargetNamespace(toService('c', 'api.example.com'))).toEqual([]);
    const routes = [
      toService('a', 'orders.billing'),
      route('b', { gateway: 'edge', destinationService: 'x.billing', destinationPort: 80 }),
    ];
    expect(gatewaysOf(routes)).toEqual([
      { namespace: NS, name: 'default' },
      { namespace: NS, name: 'edge' },
    ]);
  });
});
