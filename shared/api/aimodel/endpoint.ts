// What an AIModel's spec.endpoint may be, checked alike by the webhook (at admission), the controller (its
// ExternalName Service) and the gateway renderer (its proxy target): an http or https URL whose host an
// ExternalName Service or a proxy can name, without credentials (every client of the model would see
// them) or a query (neither a Service nor a proxied path can carry one).
import { isIP } from 'node:net';

// A DNS-1123 subdomain, what an ExternalName Service accepts: no "_", no upper case (URL lower-cases).
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.?$/;

/** The endpoint's URL, or why it cannot be used, as a field-error detail ("must ..."). */
export type ModelEndpoint = { url: URL } | { problem: string };

export function parseModelEndpoint(endpoint: string): ModelEndpoint {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { problem: 'must be an absolute http or https URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: `must be an http or https URL, not ${url.protocol.slice(0, -1)}` };
  }
  if (url.username || url.password) {
    return {
      problem: 'must not carry credentials: every client of the model would see them; keep them in a Secret',
    };
  }
  if (url.search || url.hash) {
    return { problem: 'must not have a query or fragment: only the scheme, host, port and path are used' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0 && !DNS_NAME.test(host)) {
    return {
      problem:
        'must have a host that is a DNS name (lower-case letters, digits, "-" and ".") or an IP address',
    };
  }
  return { url };
}
