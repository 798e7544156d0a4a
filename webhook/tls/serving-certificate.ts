// Checks a serving certificate and key before the server uses them: both parse, the key belongs to the
// certificate, and the certificate is valid now. A bad pair is refused and the previous one kept.
import { createSecureContext } from 'node:tls';
import type { SecureContextOptions } from 'node:tls';
import type { CertificateInfo, KeyPairPEM } from '../../shared/tls/certificates.ts';
import { describeCertificate, splitPEMBundle } from '../../shared/tls/certificates.ts';
import { errorMessage } from '../../shared/util/error-message.ts';

class InvalidServingCertificateError extends Error {
  /** Where the pair came from: a file path or a Secret's namespace/name. */
  readonly source: string;
  constructor(message: string, source: string, options?: ErrorOptions) {
    super(`serving certificate from ${source}: ${message}`, options);
    this.name = 'InvalidServingCertificateError';
    this.source = source;
  }
}

/** TLS 1.2 is the floor: the API server speaks 1.2 and 1.3, and nothing older is safe. */
const MIN_TLS_VERSION = 'TLSv1.2';

/**
 * Forward-secret AEAD suites only, TLS 1.3 first (a client that offers it gets it). The TLS 1.2 ones are
 * those Go's TLS client (the API server) offers, for ECDSA and RSA keys; no CBC, no static RSA.
 */
const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** What every TLS context of the server uses, with or without a certificate loaded. */
export const TLS_POLICY = {
  minVersion: MIN_TLS_VERSION,
  ciphers: TLS_CIPHERS,
  honorCipherOrder: true,
} as const satisfies SecureContextOptions;

export function secureContextOptions(pair: KeyPairPEM): SecureContextOptions {
  return { cert: pair.certPEM, key: pair.keyPEM, ...TLS_POLICY };
}

/** Describes the leaf certificate (the first of a chain) or throws InvalidServingCertificateError. */
export function checkServingCertificate(
  pair: KeyPairPEM,
  source: string,
  now: Date = new Date(),
): CertificateInfo {
  const [leaf] = splitPEMBundle(pair.certPEM);
  if (!leaf) throw new InvalidServingCertificateError('no PEM certificate found', source);
  let info: CertificateInfo;
  try {
    info = describeCertificate(leaf);
    // Node refuses a key that does not match the certificate here.
    createSecureContext(secureContextOptions(pair));
  } catch (err) {
    throw new InvalidServingCertificateError(errorMessage(err), source, { cause: err });
  }
  if (info.notAfter.getTime() <= now.getTime()) {
    throw new InvalidServingCertificateError(`expired at ${info.notAfter.toISOString()}`, source);
  }
  if (info.notBefore.getTime() > now.getTime()) {
    throw new InvalidServingCertificateError(`not valid before ${info.notBefore.toISOString()}`, source);
  }
  return info;
}
