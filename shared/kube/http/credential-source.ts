// What each request to the API server is sent with: the TLS material its connection needs and the
// headers that authenticate it. Asked for on every request, so rotated certificates, CAs and tokens are
// used from the next request on; an implementation reads its files only when they may have changed.
import type { Agent } from 'node:http';
import type { TlsMaterial } from './tls-material.ts';

export interface RequestCredentials {
  tls: TlsMaterial;
  headers: Record<string, string>;
  /** The agent that reaches the server through the cluster's proxy-url, which then carries the TLS material. */
  proxyAgent?: Agent;
}

export interface CredentialSource {
  /** The API server's URL, e.g. https://10.96.0.1:443. */
  readonly server: string;
  credentials(): Promise<RequestCredentials>;
}
