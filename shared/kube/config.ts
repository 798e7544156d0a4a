// Where both processes get their API server access: an explicit kubeconfig file, the in-cluster
// service account, or the usual defaults ($KUBECONFIG, ~/.kube/config) — in that order. Our own reading
// of kubeconfig files (config/), not @kubernetes/client-node's, whose KubeConfig loads its whole
// generated API with it (80 MiB of a process's memory) for what is a file format.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { errorMessage } from '../util/error-message.ts';
import type { ClusterAccess } from './config/cluster-access.ts';
import { currentContextAccess } from './config/current-context.ts';
import { SERVICE_ACCOUNT_DIR, inClusterAccess } from './config/in-cluster.ts';
import { KubeConfigError } from './config/kube-config-error.ts';
import { parseKubeconfig } from './config/parse-kubeconfig.ts';
import type { KubeconfigFile } from './config/parse-kubeconfig.ts';

export type { ClusterAccess } from './config/cluster-access.ts';
export { KubeConfigError } from './config/kube-config-error.ts';

function readKubeconfig(path: string): KubeconfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KubeConfigError(`cannot read kubeconfig ${path}: ${errorMessage(err)}`, path, {
      cause: err,
    });
  }
  return parseKubeconfig(text, path);
}

/** $KUBECONFIG's files that exist (client-go skips the others), else ~/.kube/config if it exists. */
function defaultKubeconfigs(env: NodeJS.ProcessEnv): string[] {
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (listed.length > 0) return listed.filter((path) => existsSync(path));
  const home = env.HOME || homedir();
  const path = join(home, '.kube', 'config');
  return existsSync(path) ? [path] : [];
}

export function loadKubeConfig(kubeconfigPath?: string): ClusterAccess {
  if (kubeconfigPath) return currentContextAccess([readKubeconfig(kubeconfigPath)]);
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(join(SERVICE_ACCOUNT_DIR, 'token'))) {
    return inClusterAccess(process.env);
  }
  const paths = defaultKubeconfigs(process.env);
  if (paths.length === 0) {
    throw new KubeConfigError(
      'no kubeconfig found: pass --kubeconfig, set KUBECONFIG, or run in a cluster',
      'default locations',
    );
  }
  return currentContextAccess(paths.map(readKubeconfig));
}
