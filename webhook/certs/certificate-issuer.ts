// Makes new keys and certificates. Kept behind an interface because it is the slow, random part of
// certificate management: planning is tested with it, not with its randomness.
import type { KeyPairPem } from '../../shared/tls/certificates.ts';
import { createCertificateAuthority, createServerCertificate } from '../../shared/tls/certificates.ts';
import type { ServingIdentity } from './certificate-state.ts';
import { normalizePem } from './certificate-state.ts';

const normalized = (pair: KeyPairPem): KeyPairPem => ({
  certPem: normalizePem(pair.certPem),
  keyPem: normalizePem(pair.keyPem),
});

export interface CertificateIssuer {
  issueCA(now: Date, validForMs: number): KeyPairPem;
  issueServing(ca: KeyPairPem, identity: ServingIdentity, now: Date, validForMs: number): KeyPairPem;
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
