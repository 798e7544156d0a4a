import { describe, expect, it } from '@jest/globals';
import { admitRoutes } from './admit-routes.ts';
import { GatewayRouteError } from './errors.ts';
import { renderGatewayConfig } from './render-gateway-config.ts';
import { aiModel, FIXTURE_GATEWAY, FIXTURE_NAMESPACE, gatewayRoute } from './testing/gateway-fixtures.ts';

const ALLOWED = ' any other host is allowed, and these only with the chart value security.allowLocalEgress';

const toService = (name: string, service: string) =>
  gatewayRoute(name, { path: `/${name}`, destinationService: service, destinationPort: 80 });
const toModel = (name: string) => gatewayRoute(name, { path: `/${name}`, aiModelRef: { name } });

// Stored before admission refused them: a route to a metadata name, models at loopback and link-local.
const routes = [
  toService('metadata', 'metadata.google.internal'),
  toService('localhost', 'a.b.localhost'),
  toModel('loopback'),
  toModel('imds'),
  toService('ordinary', 'users'),
];
const models = [
  aiModel('loopback', { endpoint: 'http://0x7f.1:8000/v1' }),
  aiModel('imds', { endpoint: 'http://[::ffff:169.254.169.254]/latest' }),
];

const render = (allowLocalEgress?: boolean) =>
  renderGatewayConfig({
    namespace: FIXTURE_NAMESPACE,
    gateway: FIXTURE_GATEWAY,
    routes,
    models,
    resolver: '10.96.0.10',
    ...(allowLocalEgress === undefined ? {} : { allowLocalEgress }),
  });

describe('routes to loopback, link-local and metadata hosts', () => {
  it('are refused by default, each naming the field, the host and what is allowed', () => {
    const { admitted, rejected } = admitRoutes(routes, models);
    expect(admitted.map((r) => r.metadata.name)).toEqual(['ordinary']);
    expect(rejected.map(({ route, reason }) => [route.metadata.name, reason])).toEqual([
      [
        'imds',
        expect.stringMatching(
          /^spec\.aiModelRef: AIModel imds has endpoint "http:\/\/\[::ffff:169\.254\.169\.254\]\/latest", whose host must not reach a loopback, link-local or cloud metadata host: the host "::ffff:a9fe:a9fe" \(read as 169\.254\.169\.254\) is a cloud instance metadata service;/,
        ),
      ],
      [
        'localhost',
        expect.stringMatching(
          /^spec\.destinationService: must not reach .*: the host "a\.b\.localhost" is a loopback address;/,
        ),
      ],
      [
        'loopback',
        expect.stringMatching(
          /^spec\.aiModelRef: AIModel loopback has endpoint "http:\/\/0x7f\.1:8000\/v1", whose host .*: the host "127\.0\.0\.1" is a loopback address;/,
        ),
      ],
      [
        'metadata',
        expect.stringMatching(/"metadata\.google\.internal" is a cloud instance metadata service;/),
      ],
    ]);
    for (const { reason } of rejected) expect(reason).toContain(ALLOWED);
  });

  it('stop the rendering of a configuration that holds one, unless local egress is allowed', () => {
    expect(() => render()).toThrow(GatewayRouteError);
    expect(() => render(false)).toThrow(/security\.allowLocalEgress/);
    const { config } = render(true);
    expect(config).toContain('metadata.google.internal');
    expect(config).toContain('127.0.0.1:8000');
    expect(admitRoutes(routes, models, undefined, true).rejected).toEqual([]);
  });

  it('keep a one-label Service named like a metadata short name: the gateway completes it in the namespace', () => {
    const route = toService('meta', 'metadata');
    expect(admitRoutes([route]).admitted).toEqual([route]);
  });
});
