// The request headers the gateway sets on the way to a backend. nginx inherits proxy_set_header only into
// locations that set none of their own, so a route that changes one header repeats the whole list.
import { block, directive, type NginxNode } from './nginx-config-text.ts';
import { UPSTREAM_HOST_VARIABLE } from './nginx-names.ts';
import { quotedLiteral } from './nginx-syntax.ts';

const REQUEST_ID = '$gw_request_id';
const CONNECTION = '$gw_connection';
const AUTHORIZATION_WITHOUT_BEARER = '$gw_authorization_without_bearer';

/** The maps the headers read; once, at http level. */
export function proxyHeaderMaps(): NginxNode[] {
  return [
    // A request ID the client sent is kept, so one ID follows the request through every hop.
    block(
      'map',
      ['$http_x_request_id', REQUEST_ID],
      [directive('""', '$request_id'), directive('default', '$http_x_request_id')],
    ),
    block('map', ['$http_upgrade', CONNECTION], [directive('default', 'upgrade'), directive('""', '""')]),
    block(
      'map',
      ['$http_authorization', AUTHORIZATION_WITHOUT_BEARER],
      [directive(quotedLiteral('~*^bearer '), '""'), directive('default', '$http_authorization')],
    ),
  ];
}

export interface ProxyHeaderOptions {
  /**
   * The route checks API keys: the key is the gateway's credential, so X-API-Key and a bearer
   * Authorization stay at the gateway; other Authorization schemes still reach the backend.
   */
  consumesAPIKey: boolean;
  /**
   * A model's provider key: it goes in its header, and no key header of the client (Authorization,
   * X-API-Key, api-key) passes, whatever the route checks.
   */
  credential?: { header: string; value: string };
}

/** Request headers that carry API keys, the client's or a provider's; lower case. */
const KEY_HEADERS = ['authorization', 'x-api-key', 'api-key'];

export function proxyHeaders({ consumesAPIKey, credential }: ProxyHeaderOptions): NginxNode[] {
  const header = (name: string, value: string) => directive('proxy_set_header', name, value);
  if (credential) {
    const provider = credential.header.toLowerCase();
    return [
      ...proxyHeaders({ consumesAPIKey: false }),
      ...KEY_HEADERS.filter((name) => name !== provider).map((name) => header(name, '""')),
      header(credential.header, credential.value),
    ];
  }
  return [
    header('Host', UPSTREAM_HOST_VARIABLE),
    header('Upgrade', '$http_upgrade'),
    header('Connection', CONNECTION),
    header('X-Forwarded-For', '$proxy_add_x_forwarded_for'),
    header('X-Forwarded-Proto', '$scheme'),
    header('X-Forwarded-Host', '$host'),
    header('X-Real-IP', '$remote_addr'),
    header('X-Request-ID', REQUEST_ID),
    ...(consumesAPIKey
      ? [header('Authorization', AUTHORIZATION_WITHOUT_BEARER), header('X-API-Key', '""')]
      : []),
  ];
}

/** nginx's own default for its three proxy timeouts, and the API's for requestTimeoutSeconds. */
const NGINX_DEFAULT_PROXY_TIMEOUT_SECONDS = 60;

/**
 * The connect, send and read timeouts of a route's proxying; none written for nginx's default, which
 * keeps a large gateway's configuration (one ConfigMap) smaller.
 */
export function proxyTimeouts(seconds: number): NginxNode[] {
  if (seconds === NGINX_DEFAULT_PROXY_TIMEOUT_SECONDS) return [];
  return ['proxy_connect_timeout', 'proxy_send_timeout', 'proxy_read_timeout'].map((name) =>
    directive(name, `${seconds}s`),
  );
}

/** Written into the access log next to the route, so a request can be followed into the backend's logs. */
export const REQUEST_ID_VARIABLE = REQUEST_ID;
