// Makes new keys and certificates. Kept behind an interface because it is the slow, random part of
// certificate management: planning is tested with it, not with its randomness.
import type { KeyPairPEM } from '../../shared/tls/certificates.ts';
import { createCertificateAuthority, createServerCertificate } from '../../shared/tls/certificates.ts';
import type { ServingIdentity } from './certificate-state.ts';
import { normalizePEM } from './certificate-state.ts';

const normalized = (pair: KeyPairPEM): KeyPairPEM => ({
  certPEM: normalizePEM(pair.certPEM),
  keyPEM: normalizePEM(pair.keyPEM),
});

export interface CertificateIssuer {
  issueCA(now: Date, validForMs: number): KeyPairPEM;
  issueServing(ca: KeyPairPEM, identity: ServingIdentity, now: Date, validForMs: number): KeyPairPEM;
}

export function createCertificateIssuer(caCommonName: string, keyBits?: number): CertificateIssuer {
  return {
    issueCA(now, validForMs) {
      const ca = createCertificateAuthority({
        commonName: caCommonName,
        validForMs,
        now,
        ...(keyBits ? { keyBits } : {}),
      });
      return normalized(ca);
    },
    issueServing: (ca, identity, now, validForMs) =>
      normalized(
        createServerCertificate(ca, {
          commonName: identity.commonName,
          dnsNames: identity.dnsNames,
          ipAddresses: identity.ipAddresses,
          validForMs,
          now,
          ...(keyBits ? { keyBits } : {}),
        }),
      ),
  };
}
