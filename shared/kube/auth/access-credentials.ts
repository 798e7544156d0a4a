// The credentials of each request made with a ClusterAccess: CA, client certificate and key from their
// files (read again when they change) or inline data; a bearer token from the kubeconfig, from a token
// file (read again when it changes, as a projected service-account token rotates) or from an exec
// plugin; else basic auth; and impersonation headers. A token file or exec plugin wins over an inline
// token, as in client-go.
import type { ClusterAccess } from '../config/cluster-access.ts';
import type { CredentialSource, RequestCredentials } from '../http/credential-source.ts';
import type { TLSMaterial } from '../http/tls-material.ts';
import { ExecCredentialProvider } from './exec-credential.ts';
import type { ExecClusterInfo } from './exec-credential.ts';
import { FileContent } from './file-content.ts';

function fixedHeaders(access: ClusterAccess): Record<string, string | string[]> {
  const { user } = access;
  const headers: Record<string, string | string[]> = {};
  if (user.impersonate?.user) headers['Impersonate-User'] = user.impersonate.user;
  if (user.impersonate?.groups.length) headers['Impersonate-Group'] = user.impersonate.groups;
  return headers;
}

export function accessCredentials(access: ClusterAccess, files = new FileContent()): CredentialSource {
  const { cluster, user } = access;
  const ca = () => (cluster.caFile ? files.read(cluster.caFile) : cluster.caData);
  const clusterInfo = (): ExecClusterInfo => {
    const caBytes = ca();
    return {
      server: cluster.server,
      ...(caBytes ? { 'certificate-authority-data': caBytes.toString('base64') } : {}),
      ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
      ...(cluster.insecureSkipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
      ...(cluster.proxyURL ? { 'proxy-url': cluster.proxyURL } : {}),
    };
  };
  const exec = user.exec ? new ExecCredentialProvider(user.exec, clusterInfo) : undefined;
  const headers = fixedHeaders(access);
  const basic =
    user.username === undefined
      ? undefined
      : `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;

  return {
    server: cluster.server,
    async credentials(): Promise<RequestCredentials> {
      const caBytes = ca();
      const cert = user.clientCertificateFile
        ? files.read(user.clientCertificateFile)
        : user.clientCertificateData;
      const key = user.clientKeyFile ? files.read(user.clientKeyFile) : user.clientKeyData;
      const tls: TLSMaterial = {
        ...(caBytes ? { ca: caBytes } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
        ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
        ...(cluster.insecureSkipTLSVerify ? { rejectUnauthorized: false } : {}),
      };
      let token = user.tokenFile ? files.read(user.tokenFile).toString('utf8').trim() : user.token;
      let onUnauthorized: (() => void) | undefined;
      if (exec) {
        const status = await exec.get();
        if (status.token) token = status.token;
        if (status.clientCertificateData && status.clientKeyData) {
          tls.cert = Buffer.from(status.clientCertificateData);
          tls.key = Buffer.from(status.clientKeyData);
        }
        onUnauthorized = () => exec.reject(status);
      }
      const authorization = token ? `Bearer ${token}` : basic;
      return {
        tls,
        headers: { ...headers, ...(authorization ? { Authorization: authorization } : {}) },
        ...(onUnauthorized ? { onUnauthorized } : {}),
      };
    },
  };
}
