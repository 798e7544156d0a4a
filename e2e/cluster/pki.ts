// The cluster's certificates and keys: one CA for serving and client certificates, a certificate per
// client identity (Kubernetes reads CN as the user, O as groups), and the service-account signing key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createCertificateAuthority,
  createClientCertificate,
  createRSAKeyPair,
  createServerCertificate,
} from '../../shared/tls/certificates.ts';
import type { KeyPairPEM } from '../../shared/tls/certificates.ts';

export interface CertificateFiles {
  certPath: string;
  keyPath: string;
}

export interface ClusterPki {
  ca: CertificateFiles;
  apiServer: CertificateFiles;
  /** system:masters: the test suite and the tools it runs. */
  admin: CertificateFiles;
  /** system:kube-controller-manager, bound by the API server's bootstrap RBAC policy. */
  controllerManager: CertificateFiles;
  /** system:kube-scheduler, likewise. */
  scheduler: CertificateFiles;
  /** kwok plays the fake node's kubelet and writes Node and Pod status. */
  kwok: CertificateFiles;
  serviceAccountPublicKeyPath: string;
  serviceAccountPrivateKeyPath: string;
}

const VALID_FOR_MS = 365 * 24 * 60 * 60 * 1000;

/** The names in-cluster clients use for the API server, plus the loopback name tests may use. */
const API_SERVER_DNS_NAMES = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

function filesFor(dir: string, name: string): CertificateFiles {
  return { certPath: join(dir, `${name}.crt`), keyPath: join(dir, `${name}.key`) };
}

export function pkiPaths(dir: string): ClusterPki {
  return {
    ca: filesFor(dir, 'ca'),
    apiServer: filesFor(dir, 'kube-apiserver'),
    admin: filesFor(dir, 'admin'),
    controllerManager: filesFor(dir, 'kube-controller-manager'),
    scheduler: filesFor(dir, 'kube-scheduler'),
    kwok: filesFor(dir, 'kwok'),
    serviceAccountPublicKeyPath: join(dir, 'service-account.pub'),
    serviceAccountPrivateKeyPath: join(dir, 'service-account.key'),
  };
}

function write(files: CertificateFiles, pair: KeyPairPEM): void {
  writeFileSync(files.certPath, pair.certPEM);
  writeFileSync(files.keyPath, pair.keyPEM, { mode: 0o600 });
}

/** Generates everything at the paths in `pki`; `apiServerServiceIP` is the `kubernetes` Service's address. */
export function writeClusterPki(pki: ClusterPki, apiServerServiceIP: string): void {
  const ca = createCertificateAuthority({
    commonName: 'ai-gateway-operator-e2e-ca',
    validForMs: VALID_FOR_MS,
  });
  write(pki.ca, ca);
  write(
    pki.apiServer,
    createServerCertificate(ca, {
      commonName: 'kube-apiserver',
      dnsNames: API_SERVER_DNS_NAMES,
      ipAddresses: ['127.0.0.1', apiServerServiceIP],
      validForMs: VALID_FOR_MS,
    }),
  );
  const client = (files: CertificateFiles, commonName: string, organizations: string[]): void =>
    write(files, createClientCertificate(ca, { commonName, organizations, validForMs: VALID_FOR_MS }));
  client(pki.admin, 'e2e-admin', ['system:masters']);
  client(pki.controllerManager, 'system:kube-controller-manager', []);
  client(pki.scheduler, 'system:kube-scheduler', []);
  client(pki.kwok, 'kwok', ['system:masters']);
  const serviceAccountKey = createRSAKeyPair();
  writeFileSync(pki.serviceAccountPublicKeyPath, serviceAccountKey.publicKeyPEM);
  writeFileSync(pki.serviceAccountPrivateKeyPath, serviceAccountKey.privateKeyPEM, { mode: 0o600 });
}
