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

function routeLocation(config: string, routeID: string): ParsedDirective {
  const found = directives(config).find(
    (d) =>
      d.name === 'location' &&
      d.children?.some(
        (c) => c.name === 'set' && c.args[0]?.value === '$gw_route_name' && c.args[1]?.value === routeID,
      ),
  );
  if (!found) throw new Error(`no location for ${routeID}`);
  return found;
}

function argsOf(block: ParsedDirective, name: string): string[][] {
  return (block.children ?? []).filter((d) => d.name === name).map((d) => d.args.map((a) => a.value));
}

/** The upstream a route proxies to: its name, proxy_pass URL and `server` arguments. */
function upstreamOf(config: string, routeID: string): { name: string; url: string; server: string[] } {
  const [url = ''] = argsOf(routeLocation(config, routeID), 'proxy_pass')[0] ?? [];
  const name = url.replace(/^https?:\/\//, '');
  const upstream = directives(config).find((d) => d.name === 'upstream' && d.args[0]?.value === name);
  if (!upstream) throw new Error(`no upstream ${name} for ${routeID}`);
  return { name, url, server: argsOf(upstream, 'server')[0] ?? [] };
}

/**
 * The Allow list of a location's 405 answer: its entry in the map from the index the location sets, which
 * is the only variable it sets, so that a request a route takes computes no list.
 */
function allowOf(config: string, modifier: string, path: string): string | undefined {
  const sets = argsOf(location(config, modifier, path), 'set');
  expect(sets.map(([variable]) => variable)).toEqual(['$gw_dispatch_location']);
  const index = sets[0]?.[1];
  return mapEntries(config, '$gw_allow').find(([key]) => key === index)?.[1];
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
    const server = (id: string) => upstreamOf(config, `team-a/${id}`).server;
    expect(server('bare')).toEqual(['users.team-a.svc.cluster.local:9000', 'resolve']);
    expect(server('short')).toEqual(['users.other.svc.cluster.local:8080', 'resolve']);
    expect(server('svc')).toEqual(['users.other.svc.cluster.local:8080', 'resolve']);
    expect(server('fqdn')).toEqual(['users.other.svc.cluster.local:8080', 'resolve']);
    expect(server('external')).toEqual(['api.example.com:443', 'resolve']);
    // Without a URI in proxy_pass, nginx passes the request URI as the client sent it.
    expect(argsOf(routeLocation(config, 'team-a/bare'), 'proxy_pass')).toEqual([
      ['http://http_users.team-a.svc.cluster.local_9000'],
    ]);
    expect(argsOf(routeLocation(config, 'team-a/bare'), 'set')).toContainEqual([
      '$gw_upstream_host',
      '$host',
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
    expect(upstreamOf(config, 'team-a/served')).toMatchObject({
      url: 'http://http_aim-served.team-a.svc.cluster.local_80',
      server: ['aim-served.team-a.svc.cluster.local:80', 'resolve'],
    });
    expect(upstreamOf(config, 'team-a/missing').server).toEqual([
      'aim-later.team-a.svc.cluster.local:80',
      'resolve',
    ]);
    expect(argsOf(routeLocation(config, 'team-a/served'), 'proxy_buffering')).toEqual([['off']]);
    const hosted = routeLocation(config, 'team-a/hosted');
    expect(upstreamOf(config, 'team-a/hosted')).toMatchObject({
      url: 'https://https_api.example.com_8443',
      server: ['api.example.com:8443', 'resolve'],
    });
    expect(argsOf(hosted, 'set')).toContainEqual(['$gw_upstream_host', 'api.example.com:8443']);
    expect(argsOf(hosted, 'rewrite')).toEqual([['^\\/hosted(/.*)?$', '/v1$1', 'break']]);
    expect(argsOf(hosted, 'proxy_ssl_server_name')).toEqual([['on']]);
    expect(argsOf(hosted, 'proxy_ssl_name')).toEqual([['api.example.com']]);
    expect(argsOf(hosted, 'proxy_ssl_verify')).toEqual([['on']]);
    expect(argsOf(hosted, 'proxy_ssl_trusted_certificate')).toEqual([['/etc/ca/bundle.pem']]);
    expect(argsOf(hosted, 'proxy_read_timeout')).toEqual([['300s']]);
  });

  it('gives each scheme, host and port one upstream, resolved at run time, that keeps idle connections', () => {
    const models = [
      aiModel('tls', { endpoint: 'https://api.example.com:8443/v1' }),
      aiModel('plain', { endpoint: 'http://api.example.com:8443/v2' }),
      aiModel('v6', { endpoint: 'http://[fd00::1]:8080' }),
      aiModel('v4', { endpoint: 'http://10.0.0.1' }),
    ];
    const { config } = render(
      [
        gatewayRoute('one', { path: '/one', ...service('users', 9000) }),
        gatewayRoute('two', { path: '/two', ...service('users.team-a', 9000) }),
        gatewayRoute('port', { path: '/port', ...service('users', 9001) }),
        gatewayRoute('tls', { path: '/tls', aiModelRef: { name: 'tls' } }),
        gatewayRoute('plain', { path: '/plain', aiModelRef: { name: 'plain' } }),
        gatewayRoute('v6', { path: '/v6', aiModelRef: { name: 'v6' } }),
        gatewayRoute('v4', { path: '/v4', aiModelRef: { name: 'v4' } }),
      ],
      { models },
    );
    const upstreams = directives(config).filter((d) => d.name === 'upstream');
    expect(upstreams.map((u) => u.args.map((a) => a.value))).toEqual([
      ['http_10.0.0.1_80'],
      ['http_api.example.com_8443'],
      ['http_fd00__1_8080'],
      ['http_users.team-a.svc.cluster.local_9000'],
      ['http_users.team-a.svc.cluster.local_9001'],
      ['https_api.example.com_8443'],
    ]);
    // Two routes to one Service share its upstream, and so its idle connections.
    expect(upstreamOf(config, 'team-a/two').name).toBe(upstreamOf(config, 'team-a/one').name);
    // An address needs no resolving.
    expect(upstreamOf(config, 'team-a/v6').server).toEqual(['[fd00::1]:8080']);
    expect(upstreamOf(config, 'team-a/v4').server).toEqual(['10.0.0.1:80']);
    // One zone for all, sized once: 128 KB and 16 KB per backend.
    expect(upstreams.map((u) => argsOf(u, 'zone'))).toEqual([
      [['gw_backends', '224k']],
      ...Array.from({ length: 5 }, () => [['gw_backends']]),
    ]);
    for (const upstream of upstreams) {
      expect(argsOf(upstream, 'keepalive')).toEqual([['32']]);
      expect(argsOf(upstream, 'keepalive_time')).toEqual([['1m']]);
      expect(argsOf(upstream, 'keepalive_timeout')).toEqual([['4s']]);
    }
    expect(directives(render([]).config).filter((d) => d.name === 'upstream')).toEqual([]);
  });

  it("speaks HTTP/1.1 to backends and never passes the client's Connection header on", () => {
    const { config } = render([
      gatewayRoute('open', { path: '/open', ...service() }),
      gatewayRoute('keyed', {
        path: '/keyed',
        authenticationRequired: true,
        apiKeySecretRef: { name: 'keys' },
        ...service(),
      }),
    ]);
    const http = parseNginxConfig(config).find((d) => d.name === 'http');
    if (!http) throw new Error('no http block');
    expect(argsOf(http, 'proxy_http_version')).toEqual([['1.1']]);
    // Connection is "upgrade" when the client asks for an upgrade, else absent: "close" never reaches
    // a backend, so its connection stays open for the next request.
    expect(mapEntries(config, '$gw_connection')).toEqual([
      ['default', 'upgrade'],
      ['', ''],
    ]);
    for (const block of [http, routeLocation(config, 'team-a/keyed')]) {
      const headers = argsOf(block, 'proxy_set_header');
      expect(headers).toContainEqual(['Connection', '$gw_connection']);
      expect(headers).toContainEqual(['Upgrade', '$http_upgrade']);
    }
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
    // The file test of the jump always fails; its answer is kept rather than asked for on every request.
    const http = parseNginxConfig(config).find((d) => d.name === 'http');
    if (!http) throw new Error('no http block');
    expect(argsOf(http, 'open_file_cache')).toEqual([['max=1']]);
    expect(argsOf(http, 'open_file_cache_errors')).toEqual([['on']]);
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
    expect(allowOf(config, '=', '/p')).toBe('GET, POST, HEAD');
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
    expect(allowOf(config, '=', '/p')).toBe('GET, HEAD');
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
    expect(allowOf(config, '=', '/p')).toBe('$gw_location_0_allow');
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
    expect(allowOf(config, '=', '/p')).toBe('GET, HEAD');
  });

  it('points every error_page, once each, at a location answering its status with JSON, with or without named methods', () => {
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
        ['503', '@gw_service_unavailable'],
        ['502', '@gw_bad_gateway'],
        ['504', '@gw_gateway_timeout'],
      ]);
      for (const [status, target] of pages) {
        const answers = directives(config).filter(
          (d) => d.name === 'location' && d.args[0]?.value === target,
        );
        expect(answers).toHaveLength(1);
        const [returned, body = ''] = argsOf(answers[0] as ParsedDirective, 'return')[0] ?? [];
        expect(returned).toBe(status);
        expect(JSON.parse(body)).toEqual({ error: expect.any(String), message: expect.any(String) });
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
