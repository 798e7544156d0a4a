// The pod's own access to the API server: the kubernetes Service address from the environment, the
// service-account token and CA that kubelet mounts. The token file is projected and rotated, so it is
// named, not read here; the credentials read it again whenever it changes.
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import type { ClusterAccess } from './cluster-access.ts';
import { KubeConfigError } from './kube-config-error.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function inClusterAccess(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): ClusterAccess {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new KubeConfigError(
      'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set',
      'in-cluster',
    );
  }
  return {
    source: 'in-cluster',
    cluster: {
      server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
      caFile: join(dir, 'ca.crt'),
      insecureSkipTLSVerify: false,
    },
    user: { name: 'service-account', tokenFile: join(dir, 'token') },
  };
}
