// Credentials for running a process as a ServiceAccount (as a chart's pods would): a bound token from the
// TokenRequest API, and a kubeconfig that uses it against the same API server and CA as the admin's.
import { writeFileSync } from 'node:fs';
import type { Kubectl } from './kubectl.ts';
import { renderKubeconfig } from './kubeconfig.ts';

export interface TokenOptions {
  /** Token lifetime; the API server may shorten it. One hour by default. */
  durationSeconds?: number;
}

export async function createServiceAccountToken(
  kubectl: Kubectl,
  namespace: string,
  name: string,
  options: TokenOptions = {},
): Promise<string> {
  const duration = `${options.durationSeconds ?? 3600}s`;
  const token = (
    await kubectl.run(['create', 'token', name, '-n', namespace, `--duration=${duration}`])
  ).trim();
  if (token === '') throw new Error(`kubectl create token ${namespace}/${name} printed no token`);
  return token;
}

interface MinifiedKubeconfig {
  clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
}

/** Writes a kubeconfig for `namespace/name` at `path` and returns the path. */
export async function writeServiceAccountKubeconfig(
  kubectl: Kubectl,
  namespace: string,
  name: string,
  path: string,
  options: TokenOptions = {},
): Promise<string> {
  const current = JSON.parse(
    await kubectl.run(['config', 'view', '--raw', '--minify', '-o', 'json']),
  ) as MinifiedKubeconfig;
  const cluster = current.clusters?.[0]?.cluster;
  if (!cluster?.server || !cluster['certificate-authority-data']) {
    throw new Error(
      `kubeconfig ${kubectl.target.kubeconfigPath}: current cluster needs a server and certificate-authority-data`,
    );
  }
  const token = await createServiceAccountToken(kubectl, namespace, name, options);
  writeFileSync(
    path,
    renderKubeconfig({
      clusterName: 'e2e',
      server: cluster.server,
      caCertPEM: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
      userName: `system:serviceaccount:${namespace}:${name}`,
      credentials: { token },
      namespace,
    }),
    { mode: 0o600 },
  );
  return path;
}
