// How a CertificateState is laid out in a Secret. `tls.crt`, `tls.key` and `ca.crt` follow the
// kubernetes.io/tls and cert-manager conventions, so the Secret can also be mounted as a cert dir.
import { splitPEMBundle } from '../../shared/tls/certificates.ts';
import type { CertificateState } from './certificate-state.ts';
import { normalizePEM } from './certificate-state.ts';

export const SECRET_KEYS = {
  servingCert: 'tls.crt',
  servingKey: 'tls.key',
  /** The trust bundle: what clients of the webhook should trust. */
  trustBundle: 'ca.crt',
  caCert: 'ca-signing.crt',
  caKey: 'ca-signing.key',
  nextCACert: 'ca-next.crt',
  nextCAKey: 'ca-next.key',
  nextCAAnnouncedAt: 'ca-next-announced-at',
} as const;

class CertificateSecretFormatError extends Error {
  readonly missingKeys: string[];
  constructor(message: string, missingKeys: string[]) {
    super(message);
    this.name = 'CertificateSecretFormatError';
    this.missingKeys = missingKeys;
  }
}

/** Secret `data` (base64 values) for a state. */
export function encodeCertificateSecret(state: CertificateState): Record<string, string> {
  const plain: Record<string, string> = {
    [SECRET_KEYS.servingCert]: state.serving.certPEM,
    [SECRET_KEYS.servingKey]: state.serving.keyPEM,
    [SECRET_KEYS.trustBundle]: state.trustBundle.join(''),
    [SECRET_KEYS.caCert]: state.ca.certPEM,
    [SECRET_KEYS.caKey]: state.ca.keyPEM,
  };
  if (state.nextCA) {
    plain[SECRET_KEYS.nextCACert] = state.nextCA.certPEM;
    plain[SECRET_KEYS.nextCAKey] = state.nextCA.keyPEM;
    if (state.nextCAAnnouncedAt) plain[SECRET_KEYS.nextCAAnnouncedAt] = state.nextCAAnnouncedAt.toISOString();
  }
  return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
}

/** The state in Secret `data`; throws CertificateSecretFormatError naming what is missing. */
export function decodeCertificateSecret(data: Record<string, string> | undefined): CertificateState {
  const plain = (key: string): string | undefined => {
    const value = data?.[key];
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  };
  const required = [SECRET_KEYS.servingCert, SECRET_KEYS.servingKey, SECRET_KEYS.caCert, SECRET_KEYS.caKey];
  const missing = required.filter((k) => !plain(k));
  if (missing.length > 0) {
    throw new CertificateSecretFormatError(`certificate Secret lacks ${missing.join(', ')}`, missing);
  }
  const state: CertificateState = {
    ca: { certPEM: plain(SECRET_KEYS.caCert) as string, keyPEM: plain(SECRET_KEYS.caKey) as string },
    serving: {
      certPEM: plain(SECRET_KEYS.servingCert) as string,
      keyPEM: plain(SECRET_KEYS.servingKey) as string,
    },
    trustBundle: splitPEMBundle(plain(SECRET_KEYS.trustBundle) ?? '').map(normalizePEM),
  };
  const nextCert = plain(SECRET_KEYS.nextCACert);
  const nextKey = plain(SECRET_KEYS.nextCAKey);
  if (nextCert && nextKey) {
    state.nextCA = { certPEM: nextCert, keyPEM: nextKey };
    const announced = new Date(plain(SECRET_KEYS.nextCAAnnouncedAt) ?? '');
    if (!Number.isNaN(announced.getTime())) state.nextCAAnnouncedAt = announced;
  }
  return state;
}
