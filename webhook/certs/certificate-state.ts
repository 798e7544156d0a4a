// What the self-managed certificate Secret holds: the CA that signs, the serving certificate, the CAs the
// API server is told to trust, and during a CA rotation the next CA, trusted before it signs anything.

import type { KeyPairPEM } from '../../shared/tls/certificates.ts';
import { canonicalServingName, isIPAddressName } from './serving-names.ts';

export interface CertificateState {
  /** The CA that signs the serving certificate. */
  ca: KeyPairPEM;
  serving: KeyPairPEM;
  /** PEM certificates injected as caBundle: the signing CA, plus the next or the previous one. */
  trustBundle: string[];
  nextCA?: KeyPairPEM;
  /** When the next CA entered the trust bundle; it signs once the bundle has had time to spread. */
  nextCAAnnouncedAt?: Date;
}

/** The names the serving certificate must be valid for. */
export interface ServingIdentity {
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
}

export interface RotationPolicy {
  caValidityMs: number;
  servingValidityMs: number;
  /** Share of a certificate's lifetime after which it is renewed, e.g. 2/3. */
  renewAfterFraction: number;
  /** How long a new CA sits in the trust bundle before it signs the serving certificate. */
  caAnnounceLeadMs: number;
}

/**
 * The identity a webhook Service is reached by, from inside and outside its namespace. IP addresses are
 * canonical; a name that is meant as one but is none throws InvalidServingNameError.
 */
export function serviceIdentity(
  service: string,
  namespace: string,
  extraNames: readonly string[],
): ServingIdentity {
  const extras = extraNames.map(canonicalServingName);
  const extraIPs = extras.filter(isIPAddressName);
  const extraDNS = extras.filter((n) => !isIPAddressName(n));
  const dnsNames = [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
    ...extraDNS,
  ];
  return {
    commonName: `${service}.${namespace}.svc`,
    dnsNames: [...new Set(dnsNames)],
    ipAddresses: [...new Set(extraIPs)],
  };
}

/** One spelling per PEM (node-forge writes CRLF), so bundles compare and dedupe by content. */
export function normalizePEM(pem: string): string {
  return `${pem.replaceAll('\r\n', '\n').trim()}\n`;
}
