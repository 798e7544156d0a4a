// Property: whatever a route holds, the rendered configuration has the structure the renderer means. No
// generated route (schema-valid, or with attacker-chosen text in the fields that reach nginx) can add a
// directive or a block, and each value comes back from nginx's tokenizer exactly as the route gave it.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { admitRoutes } from './admit-routes.ts';
import { renderGatewayConfig } from './render-gateway-config.ts';
import { modelsByKey, prepareRoute, type PreparedRoute } from './prepared-route.ts';
import { normalizeRoutePath } from './route-path.ts';
import { routeSelectsVariable } from './nginx-names.ts';
import { FIXTURE_GATEWAY, FIXTURE_NAMESPACE } from './testing/gateway-fixtures.ts';
import { parseNginxConfig, type ParsedDirective } from './testing/nginx-config-parser.ts';
import { routeSetArbitrary, type RouteSet } from './testing/route-set-arbitrary.ts';

const TOP_LEVEL = new Set([
  'load_module',
  'worker_processes',
  'pcre_jit',
  'pid',
  'error_log',
  'events',
  'http',
]);
const HTTP_LEVEL = new Set([
  'server_tokens',
  'default_type',
  'client_max_body_size',
  'client_body_temp_path',
  'proxy_temp_path',
  'fastcgi_temp_path',
  'uwsgi_temp_path',
  'scgi_temp_path',
  'uninitialized_variable_warn',
  'log_format',
  'access_log',
  'resolver',
  'resolver_timeout',
  'limit_req_status',
  'open_file_cache',
  'open_file_cache_errors',
  'js_import',
  'js_shared_dict_zone',
  'js_var',
  'js_set',
  'proxy_http_version',
  'proxy_set_header',
  'limit_req_zone',
  'map',
  'upstream',
  'server',
]);
const UPSTREAM_LEVEL = new Set(['zone', 'server', 'keepalive', 'keepalive_time', 'keepalive_timeout']);
const SERVER_LEVEL = new Set(['listen', 'if', 'location', 'error_page']);
const LOCATION_LEVEL = new Set([
  'access_log',
  'allow',
  'deny',
  'default_type',
  'return',
  'internal',
  'js_content',
  'add_header',
  'set',
  'if',
  'root',
  'try_files',
  'auth_request',
  'auth_request_set',
  'limit_req',
  'rewrite',
  'proxy_set_header',
  'proxy_connect_timeout',
  'proxy_send_timeout',
  'proxy_read_timeout',
  'proxy_buffering',
  'proxy_ssl_server_name',
  'proxy_ssl_name',
  'proxy_ssl_verify',
  'proxy_ssl_verify_depth',
  'proxy_ssl_trusted_certificate',
  'proxy_pass',
  'proxy_set_body',
  'proxy_intercept_errors',
  'recursive_error_pages',
  'error_page',
  'client_body_buffer_size',
  'js_body_filter',
]);
const METRICS_SERVER_LEVEL = new Set(['listen', 'access_log', 'location']);

function render({ routes, models }: RouteSet) {
  return renderGatewayConfig({
    namespace: FIXTURE_NAMESPACE,
    gateway: FIXTURE_GATEWAY,
    routes,
    models,
    resolver: '10.96.0.10',
  });
}

function only(directives: readonly ParsedDirective[], name: string): ParsedDirective {
  const found = directives.filter((d) => d.name === name);
  expect(found).toHaveLength(1);
  return found[0] as ParsedDirective;
}

function expectNamesWithin(directives: readonly ParsedDirective[], allowed: ReadonlySet<string>): void {
  for (const directive of directives) expect(allowed).toContain(directive.name);
}

/** Locations the routes need, computed here from the paths alone: `= p`, and `^~ p/` for prefixes. */
function expectedLocations(routes: readonly PreparedRoute[]): Set<string> {
  const locations = new Set<string>();
  for (const { route } of routes) {
    const pathMatch = route.spec.pathMatch ?? 'PathPrefix';
    const normalized = normalizeRoutePath(route.spec.path, pathMatch);
    if ('problem' in normalized) throw new Error(`admitted route with ${normalized.problem}`);
    const path = normalized.path;
    if (pathMatch === 'Exact') locations.add(`= ${path}`);
    else if (path === '/') locations.add('^~ /');
    else locations.add(`= ${path}`).add(`^~ ${path}/`);
  }
  return locations;
}

/** A request Host and headers that satisfy the route, joined as the selection map joins them. */
function satisfyingKey(route: PreparedRoute): string {
  const host = route.match.hosts[0];
  const parts = host === undefined ? [] : [host.startsWith('*.') ? `any.${host.slice(2)}` : host];
  return [...parts, ...route.match.headers.map((h) => h.value)].join('\n');
}

function checkStructure(config: string, set: RouteSet, admittedIDs: string[]): void {
  const top = parseNginxConfig(config);
  expectNamesWithin(top, TOP_LEVEL);
  const http = only(top, 'http').children ?? [];
  expectNamesWithin(http, HTTP_LEVEL);
  // The routes' server, and the metrics server.
  const servers = http.filter((d) => d.name === 'server');
  expect(servers.length).toBe(2);
  const server = servers[0]?.children ?? [];
  expectNamesWithin(server, SERVER_LEVEL);
  for (const metrics of servers.slice(1)) expectNamesWithin(metrics.children ?? [], METRICS_SERVER_LEVEL);
  // The refused-path check holds for the whole server, whatever the routes.
  expectNamesWithin(only(server, 'if').children ?? [], new Set(['return']));
  const locations = server.filter((d) => d.name === 'location');
  for (const location of locations) {
    expectNamesWithin(location.children ?? [], LOCATION_LEVEL);
    for (const child of location.children ?? []) {
      if (child.name === 'if') expectNamesWithin(child.children ?? [], new Set(['return']));
    }
  }

  const context = { models: modelsByKey(set.models), clusterDomain: 'cluster.local' };
  const routes = set.routes
    .filter((r) => admittedIDs.includes(`${r.metadata.namespace}/${r.metadata.name}`))
    .map((r) => prepareRoute(r, context))
    .sort((a, b) => (a.id < b.id ? -1 : 1));

  const named = locations.filter((l) => /^@gw_route_\d+$/.test(l.args[0]?.value ?? ''));
  expect(named.map((l) => l.args[0]?.value)).toEqual(routes.map((_, i) => `@gw_route_${i}`));
  const upstreams = new Map(http.filter((d) => d.name === 'upstream').map((u) => [u.args[0]?.value, u]));
  const proxied = new Set<string>();
  routes.forEach((route, i) => {
    const children = named[i]?.children ?? [];
    const setName = children.find((d) => d.name === 'set' && d.args[0]?.value === '$gw_route_name');
    expect(setName?.args[1]?.value).toBe(route.id);
    // The route proxies to the upstream of its backend, by its name alone, and the upstream names the
    // backend's host and port in one quoted token.
    const proxyPass = children.filter((d) => d.name === 'proxy_pass');
    const backend = route.backend!;
    const scheme = backend.kind === 'service' ? 'http' : backend.scheme;
    const [target] = proxyPass.map((d) => d.args[0]?.value ?? '');
    expect(target).toMatch(new RegExp(`^${scheme}://[a-z0-9._-]+$`));
    const name = (target ?? '').slice(scheme.length + 3);
    proxied.add(name);
    const server = upstreams.get(name)?.children?.find((d) => d.name === 'server');
    expect(server?.args[0]).toMatchObject({
      quoted: true,
      value: `${backend.host}:${backend.port}`,
    });
  });
  // No upstream without a route, one zone size for all of them.
  expect(new Set(upstreams.keys())).toEqual(proxied);
  for (const upstream of upstreams.values()) expectNamesWithin(upstream.children ?? [], UPSTREAM_LEVEL);
  const zones = [...upstreams.values()].map((u) => u.children?.find((d) => d.name === 'zone')?.args.length);
  expect(zones).toEqual(zones.map((_, i) => (i === 0 ? 2 : 1)));

  const dispatch = locations
    .filter((l) => l.args[0]?.value === '=' || l.args[0]?.value === '^~')
    .map((l) => {
      expect(l.args).toHaveLength(2);
      expect(l.args[1]?.quoted).toBe(true);
      return `${l.args[0]?.value} ${l.args[1]?.value}`;
    });
  const ownLocations = ['= /healthz', '= /.gateway/config', '= /.gateway/api-key-check'];
  expect(new Set(dispatch.filter((l) => !ownLocations.includes(l)))).toEqual(expectedLocations(routes));

  const maps = http.filter((d) => d.name === 'map');
  routes.forEach((route, i) => {
    const selection = maps.find((m) => m.args[1]?.value === routeSelectsVariable(i));
    if (route.match.hosts.length === 0 && route.match.headers.length === 0) {
      expect(selection).toBeUndefined();
      return;
    }
    expect(selection?.args[0]?.quoted).toBe(true);
    const key = selection?.children?.[0];
    expect(key?.args.map((a) => a.value)).toEqual(['1']);
    expect(key?.name.startsWith('~^')).toBe(true);
    const pattern = new RegExp((key?.name ?? '').slice(1));
    expect(pattern.test(satisfyingKey(route))).toBe(true);
    expect(pattern.test(`${satisfyingKey(route)}x`)).toBe(false);
  });
}

describe('rendered configuration (property)', () => {
  it('keeps every route value inside its own tokens, for schema-valid and attacker-written routes', () => {
    fc.assert(
      fc.property(
        fc.oneof(routeSetArbitrary({ adversarial: false }), routeSetArbitrary({ adversarial: true })),
        (set) => {
          const { admitted, rejected } = admitRoutes(set.routes, set.models);
          for (const rejection of rejected) expect(rejection.reason.length).toBeGreaterThan(0);
          const { config } = render({ routes: admitted, models: set.models });
          checkStructure(
            config,
            set,
            admitted.map((r) => `${r.metadata.namespace}/${r.metadata.name}`),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('renders the same bytes whatever the order of routes and models', () => {
    const shuffled = routeSetArbitrary({ adversarial: false }).chain((set) =>
      fc.tuple(
        fc.constant(set),
        fc.shuffledSubarray(set.routes, { minLength: set.routes.length }),
        fc.shuffledSubarray(set.models, { minLength: set.models.length }),
      ),
    );
    fc.assert(
      fc.property(shuffled, ([set, routes, models]) => {
        const admitted = admitRoutes(set.routes, set.models).admitted;
        const reordered = admitRoutes(routes, models).admitted;
        expect(reordered).toEqual(admitted);
        const first = render({ routes: admitted, models: set.models });
        const second = render({ routes: [...admitted].reverse(), models });
        expect(second.config).toBe(first.config);
        expect(second.hash).toBe(first.hash);
      }),
      { numRuns: 200 },
    );
  });
});
