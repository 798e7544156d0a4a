// X.509 material for the webhook's self-managed CA and for the local control plane: a CA, certificates it
// signs for servers (with SANs) and clients (with organizations, which Kubernetes reads as groups).
// Pure functions over node-forge; callers decide where the PEMs go.
import forge from 'node-forge';
import { errorMessage } from '../util/error-message.ts';

export interface KeyPairPEM {
  certPEM: string;
  keyPEM: string;
}

export interface CertificateAuthority extends KeyPairPEM {
  commonName: string;
}

export interface CertificateOptions {
  commonName: string;
  /** Validity in milliseconds from `now`. */
  validForMs: number;
  now?: Date;
  keyBits?: number;
}

export interface ServerCertificateOptions extends CertificateOptions {
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

export interface ClientCertificateOptions extends CertificateOptions {
  organizations?: readonly string[];
}

const DEFAULT_KEY_BITS = 2048;
/** notBefore is this much before issuance: tolerates clock skew between the issuer and its peers. */
export const CERTIFICATE_BACKDATE_MS = 5 * 60 * 1000;

function randomSerial(): string {
  // Positive 128-bit serial: a leading 0x00-0x7f byte keeps the DER integer positive.
  const bytes = forge.random.getBytesSync(16);
  const hex = forge.util.bytesToHex(bytes);
  return ((parseInt(hex.slice(0, 2), 16) & 0x7f) | 0x10).toString(16) + hex.slice(2);
}

function baseCertificate(
  opts: CertificateOptions,
  publicKey: forge.pki.PublicKey,
  subject: forge.pki.CertificateField[],
): forge.pki.Certificate {
  const now = opts.now ?? new Date();
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(now.getTime() - CERTIFICATE_BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + opts.validForMs);
  cert.setSubject(subject);
  return cert;
}

function generateKeyPair(bits: number): forge.pki.rsa.KeyPair {
  return forge.pki.rsa.generateKeyPair({ bits, e: 0x10001 });
}

export interface RSAKeyPairPEM {
  publicKeyPEM: string;
  privateKeyPEM: string;
}

/** A bare RSA key pair, e.g. the key the API server signs service-account tokens with. */
export function createRSAKeyPair(bits: number = DEFAULT_KEY_BITS): RSAKeyPairPEM {
  const keys = generateKeyPair(bits);
  return {
    publicKeyPEM: forge.pki.publicKeyToPem(keys.publicKey),
    privateKeyPEM: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

/** A self-signed CA able to sign server and client certificates. */
export function createCertificateAuthority(opts: CertificateOptions): CertificateAuthority {
  const keys = generateKeyPair(opts.keyBits ?? DEFAULT_KEY_BITS);
  const subject = [{ name: 'commonName', value: opts.commonName }];
  const cert = baseCertificate(opts, keys.publicKey, subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return {
    commonName: opts.commonName,
    certPEM: forge.pki.certificateToPem(cert),
    keyPEM: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

function signLeaf(
  ca: KeyPairPEM,
  opts: CertificateOptions,
  subject: forge.pki.CertificateField[],
  extensions: object[],
): KeyPairPEM {
  const caCert = forge.pki.certificateFromPem(ca.certPEM);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPEM);
  const keys = generateKeyPair(opts.keyBits ?? DEFAULT_KEY_BITS);
  const cert = baseCertificate(opts, keys.publicKey, subject);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ...extensions,
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPEM: forge.pki.certificateToPem(cert), keyPEM: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** A TLS server certificate signed by `ca`, valid for the given DNS names and IP addresses. */
export function createServerCertificate(ca: KeyPairPEM, opts: ServerCertificateOptions): KeyPairPEM {
  const altNames = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(opts.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length === 0) {
    throw new Error(`server certificate ${opts.commonName}: at least one DNS name or IP address is required`);
  }
  return signLeaf(
    ca,
    opts,
    [{ name: 'commonName', value: opts.commonName }],
    [
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  );
}

/** A TLS client certificate signed by `ca`; Kubernetes maps CN to the user and O to its groups. */
export function createClientCertificate(ca: KeyPairPEM, opts: ClientCertificateOptions): KeyPairPEM {
  const subject: forge.pki.CertificateField[] = [
    ...(opts.organizations ?? []).map((value) => ({ name: 'organizationName', value })),
    { name: 'commonName', value: opts.commonName },
  ];
  return signLeaf(ca, opts, subject, [{ name: 'extKeyUsage', clientAuth: true }]);
}

export interface CertificateInfo {
  subjectCommonName: string;
  issuerCommonName: string;
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  ipAddresses: string[];
  isCA: boolean;
}

/** Reads what a PEM certificate says; throws a descriptive error on anything that is not one. */
export function describeCertificate(certPEM: string): CertificateInfo {
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromPem(certPEM);
  } catch (err) {
    throw new Error(`not a PEM X.509 certificate: ${errorMessage(err)}`, { cause: err });
  }
  const cn = (attrs: forge.pki.Certificate['subject']): string => String(attrs.getField('CN')?.value ?? '');
  const san = cert.getExtension('subjectAltName') as {
    altNames?: { type: number; value?: string; ip?: string }[];
  } | null;
  const basic = cert.getExtension('basicConstraints') as { cA?: boolean } | null;
  return {
    subjectCommonName: cn(cert.subject),
    issuerCommonName: cn(cert.issuer),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    dnsNames: (san?.altNames ?? []).filter((n) => n.type === 2).map((n) => n.value ?? ''),
    ipAddresses: (san?.altNames ?? []).filter((n) => n.type === 7).map((n) => n.ip ?? ''),
    isCA: basic?.cA === true,
  };
}

/** Splits a PEM bundle (several concatenated certificates) into its certificates. */
export function splitPEMBundle(bundle: string): string[] {
  return (
    bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((p) => `${p}\n`) ?? []
  );
}
