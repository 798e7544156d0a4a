import { describe, expect, it } from '@jest/globals';
import { admitRoutes } from './admit-routes.ts';
import { aiModel, gatewayRoute } from './testing/gateway-fixtures.ts';

const service = { destinationService: 'svc', destinationPort: 80 };
const names = (routes: { metadata: { name?: string } }[]) => routes.map((r) => r.metadata.name);

describe('admitRoutes', () => {
  it('admits the older of two routes with the same match, whatever the input order', () => {
    const older = gatewayRoute(
      'zeta',
      { path: '/api', method: 'GET', ...service },
      { creationTimestamp: '2024-01-01T00:00:00Z' },
    );
    const newer = gatewayRoute(
      'alpha',
      { path: '/api/', method: 'GET', ...service },
      { creationTimestamp: '2024-06-01T00:00:00Z' },
    );
    for (const routes of [
      [older, newer],
      [newer, older],
    ]) {
      const { admitted, rejected } = admitRoutes(routes);
      expect(names(admitted)).toEqual(['zeta']);
      expect(rejected).toEqual([
        {
          route: newer,
          reason:
            'APIGatewayRoute team-a/zeta matches the same path, method, hosts and headers and was created earlier',
        },
      ]);
    }
  });

  it('breaks a tie in creation time by name', () => {
    const a = gatewayRoute('a', { path: '/x', ...service });
    const b = gatewayRoute('b', { path: '/x', ...service });
    const { admitted, rejected } = admitRoutes([b, a]);
    expect(names(admitted)).toEqual(['a']);
    expect(rejected[0]?.reason).toMatch(/team-a\/a .* same time with a name sorting first/);
  });

  it('sees the same match through host order, header name case and a percent-escape', () => {
    const first = gatewayRoute('first', {
      path: '/a%20b',
      hosts: ['b.example.com', 'a.example.com'],
      headers: [{ name: 'X-Tenant', value: 'acme' }],
      ...service,
    });
    const second = gatewayRoute(
      'second',
      {
        path: '/a%20%62',
        hosts: ['a.example.com', 'b.example.com'],
        headers: [{ name: 'x-tenant', value: 'acme' }],
        ...service,
      },
      { creationTimestamp: '2030-01-01T00:00:00Z' },
    );
    expect(names(admitRoutes([first, second]).admitted)).toEqual(['first']);
  });

  it('admits routes that differ in method, match type, hosts or header values', () => {
    const routes = [
      gatewayRoute('any', { path: '/p', ...service }),
      gatewayRoute('get', { path: '/p', method: 'GET', ...service }),
      gatewayRoute('exact', { path: '/p', pathMatch: 'Exact', ...service }),
      gatewayRoute('host', { path: '/p', hosts: ['a.example.com'], ...service }),
      gatewayRoute('header', { path: '/p', headers: [{ name: 'X-A', value: '1' }], ...service }),
      gatewayRoute('header-2', { path: '/p', headers: [{ name: 'X-A', value: '2' }], ...service }),
    ];
    const { admitted, rejected } = admitRoutes(routes);
    expect(rejected).toEqual([]);
    expect(names(admitted)).toEqual(['any', 'exact', 'get', 'header', 'header-2', 'host']);
  });

  it('refuses routes the gateway cannot serve, naming the field', () => {
    const { admitted, rejected } = admitRoutes([
      gatewayRoute('health', { path: '/healthz', ...service }),
      gatewayRoute('internal', { path: '/.gateway/x', pathMatch: 'Exact', ...service }),
      gatewayRoute('dots', { path: '/a/../b', ...service }),
      gatewayRoute('twice', {
        path: '/t',
        headers: [
          { name: 'X-A', value: '1' },
          { name: 'x-a', value: '2' },
        ],
        ...service,
      }),
      gatewayRoute('port', { path: '/port', destinationService: 'svc', destinationPort: 0 }),
      gatewayRoute('fine', { path: '/healthz/deep', pathMatch: 'Exact', ...service }),
    ]);
    expect(names(admitted)).toEqual(['fine']);
    expect(Object.fromEntries(rejected.map((r) => [r.route.metadata.name, r.reason]))).toEqual({
      health: "spec.path: is reserved for the gateway's health check",
      internal: 'spec.path: lies under /.gateway, which the gateway reserves',
      dots: 'spec.path: has a "." or ".." segment, which a normalized request path never has',
      twice: 'spec.headers[1].name: header x-a is listed twice',
      port: 'spec.destinationPort: must be an integer from 1 to 65535',
    });
  });

  it('refuses a route whose model endpoint cannot be proxied to, when given the models', () => {
    const route = gatewayRoute('model', { path: '/ai', aiModelRef: { name: 'leaky' } });
    const models = [aiModel('leaky', { endpoint: 'https://user:secret@api.example.com/v1' })];
    expect(admitRoutes([route]).admitted).toEqual([route]);
    expect(admitRoutes([route], models).rejected[0]?.reason).toMatch(
      /^spec.aiModelRef: AIModel leaky has endpoint .* must not carry credentials/,
    );
  });
});
