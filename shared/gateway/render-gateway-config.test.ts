import { describe, expect, it } from '@jest/globals';
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import type { AIModelV1 } from '../api/aimodel/v1.ts';
import { API_KEY_SCRIPT, API_KEY_SCRIPT_FILE } from './api-key-script.ts';
import { GatewayOptionError, GatewayRouteError } from './errors.ts';
import type { GatewayConfigInput } from './gateway-options.ts';
import { renderGatewayConfig } from './render-gateway-config.ts';
import { aiModel, FIXTURE_GATEWAY, FIXTURE_NAMESPACE, gatewayRoute } from './testing/gateway-fixtures.ts';
import { parseNginxConfig, walkDirectives, type ParsedDirective } from './testing/nginx-config-parser.ts';

const service = (name = 'svc', port = 8080) => ({ destinationService: name, destinationPort: port });

function render(
  routes: APIGatewayRouteV1[],
  extra: Partial<GatewayConfigInput> & { models?: AIModelV1[] } = {},
) {
  return renderGatewayConfig({
    namespace: FIXTURE_NAMESPACE,
    gateway: FIXTURE_GATEWAY,
    routes,
    models: [],
    resolver: '10.96.0.10',
    ...extra,
  });
}

function directives(config: string): ParsedDirective[] {
  return [...walkDirectives(parseNginxConfig(config))].map((d) => d.directive);
}

function location(config: string, modifier: string, path: string): ParsedDirective {
  const found = directives(config).find(
    (d) => d.name === 'location' && d.args[0]?.value === modifier && d.args[1]?.value === path,
  );
  if (!found) throw new Error(`no location ${modifier} ${path} in\n${config}`);
  return found;
}

function routeLocation(config: string, routeId: string): ParsedDirective {
  const found = directives(config).find(
    (d) =>
      d.name === 'location' &&
      d.children?.some(
        (c) => c.name === 'set' && c.args[0]?.value === '$gw_route_name' && c.args[1]?.value === routeId,
      ),
  );
  if (!found) throw new Error(`no location for ${routeId}`);
  return found;
}

function argsOf(block: ParsedDirective, name: string): string[][] {
  return (block.children ?? []).filter((d) => d.name === name).map((d) => d.args.map((a) => a.value));
}

/** The map that defines `variable`, as [key, value] pairs in order. */
function mapEntries(config: string, variable: string): [string, string][] {
  const map = directives(config).find((d) => d.name === 'map' && d.args[1]?.value === variable);
  if (!map) throw new Error(`no map for ${variable}`);
  return (map.children ?? []).map((d) => [d.name, d.args[0]?.value ?? '']);
}

describe('renderGatewayConfig', () => {
  it('renders a configuration for a gateway without routes: health check and 404', () => {
    const { config, files } = render([]);
    expect(location(config, '=', '/healthz')).toBeDefined();
    expect(directives(config).some((d) => d.name === 'location' && d.args[0]?.value === '/')).toBe(true);
    expect(files).toEqual({});
    expect(config).not.toContain('load_module');
  });

  it('keeps every writable path under the runtime directory', () => {
    const { config } = render([gatewayRoute('r', { path: '/r', ...service() })], {
      runtimeDirectory: '/var/run/gw',
    });
    const paths = directives(config).filter((d) => d.name === 'pid' || d.name.endsWith('_temp_path'));
    expect(paths).toHaveLength(6);
    for (const d of paths) expect(d.args[0]?.value).toMatch(/^\/var\/run\/gw\//);
  });

  it('proxies to the Service of the route namespace, a completed short name, or a DNS name as it is', () => {
    const { config } = render([
      gatewayRoute('bare', { path: '/bare', ...service('users', 9000) }),
      gatewayRoute('short', { path: '/short', ...service('users.other') }),
      gatewayRoute('svc', { path: '/svc', ...service('users.other.svc') }),
      gatewayRoute('fqdn', { path: '/fqdn', ...service('users.other.svc.cluster.local') }),
      gatewayRoute('external', { path: '/external', ...service('api.example.com', 443) }),
    ]);
    const upstream = (id: string) =>
      argsOf(routeLocation(config, `team-a/${id}`), 'set').find((a) => a[0] === '$gw_upstream')?.[1];
    expect(upstream('bare')).toBe('users.team-a.svc.cluster.local:9000');
    expect(upstream('short')).toBe('users.other.svc.cluster.local:8080');
    expect(upstream('svc')).toBe('users.other.svc.cluster.local:8080');
    expect(upstream('fqdn')).toBe('users.other.svc.cluster.local:8080');
    expect(upstream('external')).toBe('api.example.com:443');
    expect(argsOf(routeLocation(config, 'team-a/bare'), 'proxy_pass')).toEqual([
      ['http://$gw_upstream$request_uri'],
    ]);
  });

  it('proxies to an in-cluster model through its Service, and to an external one at its endpoint', () => {
    const models = [
      aiModel('served', { image: 'vllm:1', endpoint: 'https://ignored.example.com' }),
      aiModel('hosted', { endpoint: 'https://api.example.com:8443/v1/' }),
    ];
    const { config } = render(
      [
        gatewayRoute('served', { path: '/served', aiModelRef: { name: 'served' } }),
        gatewayRoute('missing', { path: '/missing', aiModelRef: { name: 'later' } }),
        gatewayRoute('hosted', {
          path: '/hosted',
          aiModelRef: { name: 'hosted' },
          requestTimeoutSeconds: 300,
        }),
      ],
      { models, trustedCertificatesFile: '/etc/ca/bundle.pem' },
    );
    const served = routeLocation(config, 'team-a/served');
    expect(argsOf(served, 'set')).toContainEqual(['$gw_upstream', 'aim-served.team-a.svc.cluster.local:80']);
    expect(argsOf(routeLocation(config, 'team-a/missing'), 'set')).toContainEqual([
      '$gw_upstream',
      'aim-later.team-a.svc.cluster.local:80',
    ]);
    const hosted = routeLocation(config, 'team-a/hosted');
    expect(argsOf(hosted, 'set')).toContainEqual(['$gw_upstream', 'api.example.com:8443']);
    expect(argsOf(hosted, 'set')).toContainEqual(['$gw_upstream_host', 'api.example.com:8443']);
    expect(argsOf(hosted, 'rewrite')).toEqual([['^\\/hosted(/.*)?$', '/v1$1', 'break']]);
    expect(argsOf(hosted, 'proxy_ssl_name')).toEqual([['api.example.com']]);
    expect(argsOf(hosted, 'proxy_ssl_verify')).toEqual([['on']]);
    expect(argsOf(hosted, 'proxy_ssl_trusted_certificate')).toEqual([['/etc/ca/bundle.pem']]);
    expect(argsOf(hosted, 'proxy_read_timeout')).toEqual([['300s']]);
    expect(argsOf(hosted, 'proxy_pass')).toEqual([['https://$gw_upstream']]);
  });

  it('writes the endpoint path decoded, since nginx encodes a rewritten path again when it proxies', () => {
    const rewrites = (endpoint: string) =>
      argsOf(
        routeLocation(
          render([gatewayRoute('m', { path: '/m', aiModelRef: { name: 'm' } })], {
            models: [aiModel('m', { endpoint })],
          }).config,
          'team-a/m',
        ),
        'rewrite',
      ).map((args) => args[1]);
    expect(rewrites('http://h/my%20models/')).toEqual(['/my models$1']);
    expect(rewrites('http://h/modèles')).toEqual(['/modèles$1']);
    expect(rewrites('http://h/mod%c3%a8les/%7Ev1')).toEqual(['/modèles/~v1$1']);
    expect(rewrites('http://h/100%25/a%23b')).toEqual(['/100%/a#b$1']);
    expect(rewrites('http://h/v1:chat;x=1')).toEqual(['/v1:chat;x=1$1']);
  });

  it('refuses an endpoint path holding an escape nginx would pass on decoded', () => {
    const cases: [string, string][] = [
      ['http://h/a%2Fb', 'has "%2F" in its path: nginx would pass it on decoded, as "/"'],
      ['http://h/a%3Fb', 'has "%3F" in its path: nginx would pass it on decoded, as "?"'],
      ['http://h/a%24b', 'has "%24" in its path: nginx would pass it on decoded, as "$"'],
      ['http://h/a%0Ab', 'has "%0A" in its path: nginx would pass it on decoded, as "\\n"'],
      ['http://h/a%3bb', 'has "%3b" in its path: nginx would pass it on decoded, as ";"'],
      ['http://h/a%C3', 'has a percent-escape in its path that is not UTF-8'],
      ['http://h/a%zz', 'has a "%" in its path that starts no percent-escape'],
    ];
    for (const [endpoint, problem] of cases) {
      const attempt = () =>
        render([gatewayRoute('m', { path: '/m', aiModelRef: { name: 'm' } })], {
          models: [aiModel('m', { endpoint })],
        });
      expect(attempt).toThrow(GatewayRouteError);
      expect(attempt).toThrow(
        `APIGatewayRoute team-a/m: spec.aiModelRef: AIModel m has endpoint ${JSON.stringify(endpoint)}, which ${problem}`,
      );
    }
  });

  it('refuses model endpoints it cannot proxy to safely, naming the route and field', () => {
    for (const endpoint of [
      'https://api.example.com/v1$x',
      'ftp://files.example.com',
      'https://api.example.com/?key=1',
    ]) {
      const attempt = () =>
        render([gatewayRoute('m', { path: '/m', aiModelRef: { name: 'm' } })], {
          models: [aiModel('m', { endpoint })],
        });
      expect(attempt).toThrow(GatewayRouteError);
      expect(attempt).toThrow(/^APIGatewayRoute team-a\/m: spec.aiModelRef: AIModel m has endpoint/);
    }
  });

  it('maps rateLimit and burst to a token bucket: rateLimit + burst at once, refilled at rateLimit/s', () => {
    const { config } = render([
      gatewayRoute('bucket', { path: '/bucket', rateLimit: 5, burst: 2, ...service() }),
      gatewayRoute('single', { path: '/single', rateLimit: 1, ...service() }),
      gatewayRoute('free', { path: '/free', rateLimit: 0, ...service() }),
    ]);
    const zones = directives(config)
      .filter((d) => d.name === 'limit_req_zone')
      .map((d) => d.args.map((a) => a.value));
    expect(zones).toEqual([
      ['$binary_remote_addr', 'zone=gw_route_0:1m', 'rate=5r/s'],
      ['$binary_remote_addr', 'zone=gw_route_2:1m', 'rate=1r/s'],
    ]);
    expect(argsOf(routeLocation(config, 'team-a/bucket'), 'limit_req')).toEqual([
      ['zone=gw_route_0', 'burst=6', 'nodelay'],
    ]);
    expect(argsOf(routeLocation(config, 'team-a/single'), 'limit_req')).toEqual([
      ['zone=gw_route_2', 'nodelay'],
    ]);
    expect(argsOf(routeLocation(config, 'team-a/free'), 'limit_req')).toEqual([]);
  });

  it('checks API keys through njs only for routes naming a Secret, and answers 401 to the others', () => {
    const { config, files } = render(
      [
        gatewayRoute('keyed', {
          path: '/keyed',
          authenticationRequired: true,
          apiKeySecretRef: { name: 'keys' },
          ...service(),
        }),
        gatewayRoute('locked', { path: '/locked', authenticationRequired: true, ...service() }),
      ],
      { apiKeysDirectory: '/etc/gateway/api-keys', modulesDirectory: '/usr/lib/nginx/modules' },
    );
    expect(files).toEqual({ [API_KEY_SCRIPT_FILE]: API_KEY_SCRIPT });
    expect(directives(config).find((d) => d.name === 'load_module')?.args[0]?.value).toBe(
      '/usr/lib/nginx/modules/ngx_http_js_module.so',
    );
    const keyed = routeLocation(config, 'team-a/keyed');
    expect(argsOf(keyed, 'set')).toContainEqual(['$gw_api_key_directory', '/etc/gateway/api-keys/keys']);
    expect(argsOf(keyed, 'auth_request')).toEqual([['/.gateway/api-key-check']]);
    expect(argsOf(keyed, 'proxy_set_header')).toContainEqual(['X-API-Key', '']);
    expect(argsOf(routeLocation(config, 'team-a/locked'), 'return')).toEqual([['401']]);
  });

  it('orders the candidates of a location: exact, longest prefix, hosts, headers, method, age', () => {
    const { config } = render([
      gatewayRoute('api', { path: '/api', ...service() }),
      gatewayRoute(
        'users-any',
        { path: '/api/users', ...service() },
        { creationTimestamp: '2024-01-01T00:00:00Z' },
      ),
      gatewayRoute('users-get', { path: '/api/users', method: 'GET', ...service() }),
      gatewayRoute('users-header', {
        path: '/api/users',
        headers: [{ name: 'X-A', value: '1' }],
        ...service(),
      }),
      gatewayRoute('users-wild', { path: '/api/users', hosts: ['*.example.com'], ...service() }),
      gatewayRoute('users-host', { path: '/api/users', hosts: ['a.example.com'], ...service() }),
      gatewayRoute('users-exact', { path: '/api/users', pathMatch: 'Exact', method: 'POST', ...service() }),
    ]);
    // The location lists its candidates, in the order its map tries them, as comments.
    const start = config.indexOf('location = "/api/users" {');
    const block = config.slice(start, config.indexOf('}', start));
    const order = [...block.matchAll(/APIGatewayRoute team-a\/([\w-]+)/g)].map((m) => m[1]);
    expect(order).toEqual([
      'users-exact',
      'users-host',
      'users-wild',
      'users-header',
      'users-get',
      'users-any',
    ]);
  });

  it('jumps straight to a route that takes every request of its location', () => {
    const { config } = render([gatewayRoute('all', { path: '/all', ...service() })]);
    expect(argsOf(location(config, '^~', '/all/'), 'try_files')).toEqual([['/gateway-route', '@gw_route_0']]);
    expect(
      directives(config).filter((d) => d.name === 'map' && d.args[1]?.value.startsWith('$gw_location')),
    ).toEqual([]);
  });

  it('answers 405 with a fixed Allow list when no route of the location has conditions', () => {
    const { config } = render([
      gatewayRoute('get', { path: '/p', pathMatch: 'Exact', method: 'GET', ...service() }),
      gatewayRoute('post', { path: '/p', pathMatch: 'Exact', method: 'POST', ...service() }),
    ]);
    const exact = location(config, '=', '/p');
    expect(argsOf(exact, 'set')).toEqual([['$gw_allow', 'GET, POST, HEAD']]);
    expect(argsOf(exact, 'if')).toEqual([
      ['($gw_location_0_route', '=', '404)'],
      ['($gw_location_0_route', '=', '405)'],
    ]);
    expect(mapEntries(config, '$gw_location_0_route')).toEqual([
      ['~^POST:.{0}1', 'gw_route_1'],
      ['~^(?:GET|HEAD):.{1}1', 'gw_route_0'],
      ['~^[^:]*:(?:.{0}1|.{1}1)', '405'],
      ['default', '404'],
    ]);
  });

  it('serves HEAD by a GET route and lists HEAD wherever it lists GET', () => {
    const { config } = render([
      gatewayRoute('get', { path: '/p', pathMatch: 'Exact', method: 'GET', ...service() }),
      gatewayRoute('any', { path: '/p', pathMatch: 'Exact', hosts: ['a.example.com'], ...service() }),
    ]);
    expect(argsOf(location(config, '=', '/p'), 'set')).toEqual([['$gw_allow', 'GET, HEAD']]);
    expect(mapEntries(config, '$gw_location_0_route')[1]).toEqual(['~^(?:GET|HEAD):.{1}1', 'gw_route_1']);
  });

  it('computes HEAD in the Allow list from the GET and HEAD routes whose conditions hold', () => {
    const { config } = render([
      gatewayRoute('get', { path: '/p', pathMatch: 'Exact', method: 'GET', hosts: ['a.com'], ...service() }),
      gatewayRoute('head', {
        path: '/p',
        pathMatch: 'Exact',
        method: 'HEAD',
        hosts: ['b.com'],
        ...service(),
      }),
      gatewayRoute('post', { path: '/p', pathMatch: 'Exact', method: 'POST', ...service() }),
    ]);
    expect(argsOf(location(config, '=', '/p'), 'set')).toEqual([['$gw_allow', '$gw_location_0_allow']]);
    const flag = (method: string) => {
      const map = directives(config).find(
        (d) => d.name === 'map' && d.args[1]?.value === `$gw_location_0_allows_${method}`,
      );
      return [map?.args[0]?.value, mapEntries(config, `$gw_location_0_allows_${method}`)];
    };
    expect(flag('get')).toEqual([
      '${gw_route_0_selects}',
      [
        ['~1', ', GET'],
        ['default', ''],
      ],
    ]);
    expect(flag('head')).toEqual([
      '${gw_route_1_selects}${gw_route_0_selects}',
      [
        ['~1', ', HEAD'],
        ['default', ''],
      ],
    ]);
    const joined = directives(config).find(
      (d) => d.name === 'map' && d.args[1]?.value === '$gw_location_0_allow',
    );
    expect(joined?.args[0]?.value).toBe(
      '${gw_location_0_allows_get}${gw_location_0_allows_post}${gw_location_0_allows_head}',
    );
  });

  it('serves HEAD by a route naming HEAD before an equally specific GET route, whatever their age', () => {
    const { config } = render([
      gatewayRoute(
        'get',
        { path: '/p', pathMatch: 'Exact', method: 'GET', ...service() },
        { creationTimestamp: '2024-01-01T00:00:00Z' },
      ),
      gatewayRoute('head', { path: '/p', pathMatch: 'Exact', method: 'HEAD', ...service() }),
    ]);
    expect(mapEntries(config, '$gw_location_0_route')).toEqual([
      ['~^HEAD:.{0}1', 'gw_route_1'],
      ['~^(?:GET|HEAD):.{1}1', 'gw_route_0'],
      ['~^[^:]*:(?:.{0}1|.{1}1)', '405'],
      ['default', '404'],
    ]);
    expect(argsOf(location(config, '=', '/p'), 'set')).toEqual([['$gw_allow', 'GET, HEAD']]);
  });

  it('points every error_page, once each, at a location it renders, with or without named methods', () => {
    for (const method of ['ANY', 'GET'] as const) {
      const { config } = render([gatewayRoute('r', { path: '/r', method, ...service() })]);
      const pages = directives(config)
        .filter((d) => d.name === 'error_page')
        .map((d) => d.args.map((a) => a.value));
      expect(pages).toEqual([
        ['401', '@gw_unauthorized'],
        ['404', '@gw_not_found'],
        ['405', '@gw_method_not_allowed'],
        ['429', '@gw_rate_limited'],
      ]);
      for (const [, target] of pages) {
        expect(
          directives(config).filter((d) => d.name === 'location' && d.args[0]?.value === target),
        ).toHaveLength(1);
      }
    }
  });

  it('escapes header values and paths so nginx reads them back unchanged', () => {
    const value = `a"b;c}{$x\\ 'q' #`;
    const { config } = render([
      gatewayRoute('odd', { path: '/a%22b%7B%7D', headers: [{ name: 'X-Odd', value }], ...service() }),
    ]);
    expect(location(config, '=', '/a"b{}')).toBeDefined();
    const [key] = mapEntries(config, '$gw_route_0_selects')[0] ?? [];
    expect(key).toBe(`~^${value.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`)}$`);
    expect(new RegExp((key ?? '').slice(1)).test(value)).toBe(true);
  });

  it('refuses route values that cannot be written safely, naming the route and field', () => {
    const cases: [APIGatewayRouteV1, RegExp][] = [
      [
        gatewayRoute('h', { path: '/h', headers: [{ name: 'X A', value: 'v' }], ...service() }),
        /spec.headers\[0\].name/,
      ],
      [
        gatewayRoute('v', { path: '/v', headers: [{ name: 'X-A', value: 'a\nb' }], ...service() }),
        /spec.headers\[0\].value/,
      ],
      [gatewayRoute('s', { path: '/s', ...service('svc;x') }), /spec.destinationService/],
      [
        gatewayRoute('ip', { path: '/ip', ...service('169.254.169.254') }),
        /spec.destinationService: must be a Service name, not an IP address/,
      ],
      [
        gatewayRoute('e', { path: '/e', headers: [{ name: 'X-A', value: '' }], ...service() }),
        /spec.headers\[0\].value: must not be empty/,
      ],
      [
        gatewayRoute('t', { path: '/t', headers: [{ name: 'X-A', value: 'a ' }], ...service() }),
        /spec.headers\[0\].value/,
      ],
      [gatewayRoute('o', { path: '/o', hosts: ['a.com"'], ...service() }), /spec.hosts\[0\]/],
      [
        gatewayRoute('n', { path: '/n', ...service() }, { namespace: 'team-b' }),
        /metadata.namespace: is not the gateway's/,
      ],
      [
        gatewayRoute('g', { path: '/g', gateway: 'other', ...service() }),
        /spec.gateway: is not this gateway/,
      ],
    ];
    for (const [route, field] of cases) {
      expect(() => render([route])).toThrow(GatewayRouteError);
      expect(() => render([route])).toThrow(field);
    }
  });

  it('refuses malformed options with what is allowed', () => {
    const route = [gatewayRoute('r', { path: '/r', ...service() })];
    expect(() => render(route, { resolver: 'kube-dns' })).toThrow(GatewayOptionError);
    expect(() => render(route, { resolver: 'kube-dns' })).toThrow(/resolver: .*must be an IP address/);
    expect(() => render(route, { listenPort: 70000 })).toThrow(/listenPort/);
    expect(() => render(route, { runtimeDirectory: '/tmp/a b' })).toThrow(/runtimeDirectory/);
    expect(() => render(route, { workerProcesses: 0 })).toThrow(/workerProcesses: .*"auto" or an integer/);
    expect(render(route, { workerProcesses: 2 }).config).toContain('worker_processes 2;');
    expect(render(route, { resolver: 'fd00::a' }).config).toContain('resolver [fd00::a] valid=5s;');
    expect(render(route, { resolver: '127.0.0.1:5353' }).config).toContain(
      'resolver 127.0.0.1:5353 valid=5s ipv6=off;',
    );
  });

  it('hashes the configuration and its files: equal input, equal hash; any change, another', () => {
    const routes = [
      gatewayRoute('a', { path: '/a', ...service() }),
      gatewayRoute('b', { path: '/b', ...service() }),
    ];
    const first = render(routes);
    expect(render([...routes].reverse()).hash).toBe(first.hash);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(render([routes[0] as APIGatewayRouteV1]).hash).not.toBe(first.hash);
    const keyed = [
      gatewayRoute('k', {
        path: '/k',
        authenticationRequired: true,
        apiKeySecretRef: { name: 's' },
        ...service(),
      }),
    ];
    expect(render(keyed).hash).not.toBe(render(keyed, { apiKeysDirectory: '/keys' }).hash);
  });
});
