// The access a set of kubeconfig files gives through its current context. Several files ($KUBECONFIG
// lists them) read as one the way client-go merges them: the first file that names a cluster, user or
// context wins, and so does the first current-context set. The chosen cluster and user are then checked,
// so that a broken or unsupported entry fails at start and not on the first request.
import type { ClusterAccess } from './cluster-access.ts';
import { KubeConfigError } from './kube-config-error.ts';
import type { KubeconfigFile } from './parse-kubeconfig.ts';

function firstNamed<T extends { name: string }>(
  files: KubeconfigFile[],
  pick: (f: KubeconfigFile) => T[],
  name: string,
) {
  for (const file of files) {
    const found = pick(file).find((entry) => entry.name === name);
    if (found) return found;
  }
  return undefined;
}

export function currentContextAccess(files: KubeconfigFile[]): ClusterAccess {
  const source = files.map((f) => f.path).join(', ');
  const fail = (message: string): never => {
    throw new KubeConfigError(`${source}: ${message}`, source);
  };
  const contextName = files.find((f) => f.currentContext)?.currentContext;
  if (!contextName) return fail('no current-context is set');
  const context = firstNamed(files, (f) => f.contexts, contextName);
  if (!context) return fail(`current-context ${JSON.stringify(contextName)} is not among the contexts`);
  const cluster = firstNamed(files, (f) => f.clusters, context.cluster);
  if (!cluster)
    return fail(`context ${contextName}: cluster ${JSON.stringify(context.cluster)} is not defined`);
  if (cluster.unsupported) return fail(`cluster ${cluster.name}: ${cluster.unsupported} is not supported`);
  if (!cluster.cluster.server) return fail(`cluster ${cluster.name}: server is not set`);
  let url: URL;
  try {
    url = new URL(cluster.cluster.server);
  } catch {
    return fail(`cluster ${cluster.name}: server ${JSON.stringify(cluster.cluster.server)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail(`cluster ${cluster.name}: server must be an https:// URL`);
  }
  const user = firstNamed(files, (f) => f.users, context.user);
  if (!user) return fail(`context ${contextName}: user ${JSON.stringify(context.user)} is not defined`);
  if (user.unsupported) return fail(`user ${user.name}: ${user.unsupported} is not supported`);
  return {
    source,
    cluster: cluster.cluster,
    user: user.user,
    ...(context.namespace ? { namespace: context.namespace } : {}),
  };
}
