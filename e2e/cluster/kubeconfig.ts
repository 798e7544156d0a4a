// kubeconfig files for the local cluster: one per client identity, by certificate or by bearer token.
import { stringify } from 'yaml';

type KubeconfigCredentials = { clientCertificatePath: string; clientKeyPath: string } | { token: string };

export interface KubeconfigOptions {
  clusterName: string;
  server: string;
  /** PEM of the CA the server's certificate chains to, embedded so the file stands alone. */
  caCertPEM: string;
  userName: string;
  credentials: KubeconfigCredentials;
  namespace?: string;
}

export function renderKubeconfig(options: KubeconfigOptions): string {
  const user =
    'token' in options.credentials
      ? { token: options.credentials.token }
      : {
          'client-certificate': options.credentials.clientCertificatePath,
          'client-key': options.credentials.clientKeyPath,
        };
  const context = options.namespace
    ? { cluster: options.clusterName, user: options.userName, namespace: options.namespace }
    : { cluster: options.clusterName, user: options.userName };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: options.clusterName,
        cluster: {
          server: options.server,
          'certificate-authority-data': Buffer.from(options.caCertPEM).toString('base64'),
        },
      },
    ],
    users: [{ name: options.userName, user }],
    contexts: [{ name: options.clusterName, context }],
    'current-context': options.clusterName,
  });
}
