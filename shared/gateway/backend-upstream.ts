// The upstream group of each backend the routes proxy to: one per scheme, host and port, shared by every
// route with that backend. A name is resolved at run time through the `resolver` (`server … resolve`,
// nginx 1.27.3 and later), so a Service created after the gateway, or recreated with a new address, is
// reached without a reload, and idle connections to the backend are kept for the next request instead of
// one being opened per request, as a `proxy_pass` with variables must.
import { isIP } from 'node:net';
import { block, directive, type NginxBlock } from './nginx-config-text.ts';
import { BACKEND_ZONE } from './nginx-names.ts';
import { quotedText } from './nginx-syntax.ts';
import type { PreparedRoute } from './prepared-route.ts';
import type { RouteBackend } from './route-backend.ts';

/**
 * Idle connections each worker keeps per backend. Connections beyond them, at a peak, are closed once
 * their request is done.
 */
const KEEPALIVE_CONNECTIONS = 32;
/**
 * Below the idle timeout of common backends (5 s in Node.js and uvicorn, which serves vLLM), so that the
 * gateway, not the backend, closes an idle connection: a request sent on a connection the backend is
 * closing fails, and nginx retries only idempotent ones (a model's POST would be answered 502).
 */
const KEEPALIVE_TIMEOUT = '4s';
/**
 * A connection through a Service's ClusterIP stays with the pod it reached first; reopening connections
 * after a minute spreads them over the pods a Service has now.
 */
const KEEPALIVE_TIME = '1m';
/**
 * The zone holds each backend's configuration (about 2.5 KB) and its addresses (about 1 KB each, measured
 * on nginx 1.30): room for about 13 addresses per backend and a hundred more to share, as a headless
 * Service has one per pod. An address that does not fit is left out and logged ("memory exhausted").
 */
const ZONE_BASE_KB = 128;
const ZONE_KB_PER_BACKEND = 16;

export interface BackendUpstream {
  /** Unique per scheme, host and port; `_` separates them, as no DNS name holds one. */
  name: string;
  /** The URL prefix of proxy_pass: `<scheme>://<name>`. */
  url: string;
  /** `host:port` for the `server` directive, IPv6 addresses in brackets. */
  server: string;
  /** A DNS name, resolved at run time; an IP address is used as it is. */
  resolve: boolean;
}

export function backendUpstream(backend: RouteBackend): BackendUpstream {
  const scheme = backend.kind === 'service' ? 'http' : backend.scheme;
  const address = backend.host.replace(/^\[(.*)\]$/, '$1');
  const name = `${scheme}_${address.replaceAll(':', '_')}_${backend.port}`;
  return {
    name,
    url: `${scheme}://${name}`,
    server: `${backend.host}:${backend.port}`,
    resolve: isIP(address) === 0,
  };
}

/**
 * The upstream blocks of the routes' backends, sorted by name. They share one zone, sized once. Idle
 * connections are shared between the routes of a backend (`keepalive` without `local`): its routes speak
 * to it alike, over the same scheme, with the same TLS name and verification for https.
 */
export function backendUpstreams(routes: readonly PreparedRoute[]): NginxBlock[] {
  const byName = new Map<string, BackendUpstream>();
  for (const route of routes) {
    const backends = [
      ...(route.backend ? [route.backend] : []),
      ...(route.aiRouting?.models.flatMap((model) => model.targets.map((target) => target.backend)) ?? []),
    ];
    for (const backend of backends) {
      const upstream = backendUpstream(backend);
      byName.set(upstream.name, upstream);
    }
  }
  const upstreams = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const zoneSize = `${ZONE_BASE_KB + ZONE_KB_PER_BACKEND * upstreams.length}k`;
  return upstreams.map((upstream, index) =>
    block(
      'upstream',
      [quotedText(upstream.name)],
      [
        directive('zone', BACKEND_ZONE, ...(index === 0 ? [zoneSize] : [])),
        directive('server', quotedText(upstream.server), ...(upstream.resolve ? ['resolve'] : [])),
        directive('keepalive', KEEPALIVE_CONNECTIONS),
        directive('keepalive_time', KEEPALIVE_TIME),
        directive('keepalive_timeout', KEEPALIVE_TIMEOUT),
      ],
    ),
  );
}
