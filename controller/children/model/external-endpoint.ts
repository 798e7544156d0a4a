// A model served outside the cluster (spec.endpoint without spec.image): where it is, and the in-cluster
// URL its ExternalName Service gives it. An endpoint at an IP address gets no alias (ExternalName needs
// a DNS name) and is known by its own URL.
import { isIP } from 'node:net';
import { parseModelEndpoint } from '../../../shared/api/aimodel/endpoint.ts';
import { modelChildName } from '../../../shared/api/aimodel/names.ts';

export interface ExternalEndpoint {
  scheme: 'http' | 'https';
  /** A DNS name or an IP address (without brackets). */
  host: string;
  /** False for an IP address: an ExternalName Service can only alias a DNS name. */
  aliasable: boolean;
  /** Set only when the endpoint names a port. */
  port?: number;
  /** The path, without a trailing "/" unless it is the root. */
  path: string;
}

export class InvalidEndpointError extends Error {
  readonly endpoint: string;
  constructor(endpoint: string, problem: string) {
    super(`spec.endpoint: Invalid value: ${JSON.stringify(endpoint)}: ${problem}`);
    this.name = 'InvalidEndpointError';
    this.endpoint = endpoint;
  }
}

export function parseExternalEndpoint(endpoint: string): ExternalEndpoint {
  const parsed = parseModelEndpoint(endpoint);
  if ('problem' in parsed) throw new InvalidEndpointError(endpoint, parsed.problem);
  const { url } = parsed;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : '/';
  return {
    scheme: url.protocol === 'https:' ? 'https' : 'http',
    host: host.replace(/\.$/, ''),
    aliasable: isIP(host) === 0,
    ...(url.port ? { port: Number(url.port) } : {}),
    path,
  };
}

function urlWithHost(endpoint: ExternalEndpoint, host: string): string {
  const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
  const path = endpoint.path === '/' ? '' : endpoint.path;
  return `${endpoint.scheme}://${host}${port}${path}`;
}

/** The external endpoint reached through the model's Service name, e.g. https://aim-x.ns.svc/v1. */
export function externalModelServiceURL(name: string, namespace: string, endpoint: ExternalEndpoint): string {
  return urlWithHost(endpoint, `${modelChildName(name)}.${namespace}.svc`);
}

/** The endpoint's own URL, normalized. */
export function externalEndpointURL(endpoint: ExternalEndpoint): string {
  return urlWithHost(endpoint, isIP(endpoint.host) === 6 ? `[${endpoint.host}]` : endpoint.host);
}
