// What each request to the API server is sent with: the TLS material its connection needs and the
// headers that authenticate it. Asked for on every request, so rotated certificates, CAs and tokens are
// used from the next request on; an implementation reads its files only when they may have changed.
import type { TLSMaterial } from './tls-material.ts';

export interface RequestCredentials {
  tls: TLSMaterial;
  headers: Record<string, string | string[]>;
  /** Called when the API server answers 401 to a request sent with these, so they are not used again. */
  onUnauthorized?: () => void;
}

export interface CredentialSource {
  /** The API server's URL, e.g. https://10.96.0.1:443. */
  readonly server: string;
  credentials(): Promise<RequestCredentials>;
}
