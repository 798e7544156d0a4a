// Where both processes get their API server credentials: an explicit kubeconfig file, the in-cluster
// service account, or the usual defaults ($KUBECONFIG, ~/.kube/config) — in that order.
import { KubeConfig } from '@kubernetes/client-node';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export class KubeConfigError extends Error {
  readonly source: string;
  constructor(message: string, source: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeConfigError';
    this.source = source;
  }
}

/** Users of kubeconfig files whose token is a file: name → the file (relative paths are the file's). */
function tokenFiles(paths: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const users = (parse(readFileSync(path, 'utf8')) as { users?: unknown } | null)?.users;
    if (!Array.isArray(users)) continue;
    for (const entry of users as { name?: unknown; user?: Record<string, unknown> }[]) {
      // client-go writes tokenFile; some tools token-file.
      const file = entry?.user?.tokenFile ?? entry?.user?.['token-file'];
      if (typeof entry?.name !== 'string' || typeof file !== 'string' || found.has(entry.name)) continue;
      found.set(entry.name, isAbsolute(file) ? file : join(dirname(path), file));
    }
  }
  return found;
}

/**
 * A user whose token is a file (a projected service-account token, rotated hourly) reads it again every
 * minute, as in-cluster credentials do. client-node alone ignores `tokenFile` and reads `token-file` once.
 */
function rereadTokenFiles(kc: KubeConfig, paths: readonly string[]): void {
  const files = tokenFiles(paths);
  if (files.size === 0) return;
  kc.users = kc.users.map((user) => {
    const file = files.get(user.name);
    if (file === undefined || user.exec || user.authProvider) return user;
    const { token: _readOnce, ...rest } = user;
    return { ...rest, authProvider: { name: 'tokenFile', config: { tokenFile: file } } };
  });
}

export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (kubeconfigPath) {
      kc.loadFromFile(kubeconfigPath);
      rereadTokenFiles(kc, [kubeconfigPath]);
    } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
      kc.loadFromCluster();
    } else {
      kc.loadFromDefault();
      const fromEnv = process.env.KUBECONFIG?.split(delimiter).filter(Boolean);
      const home = process.env.HOME ?? process.env.USERPROFILE;
      rereadTokenFiles(kc, fromEnv?.length ? fromEnv : home ? [join(home, '.kube', 'config')] : []);
    }
  } catch (err) {
    const source = kubeconfigPath ?? 'default locations';
    throw new KubeConfigError(`cannot load kubeconfig from ${source}: ${(err as Error).message}`, source, {
      cause: err,
    });
  }
  if (!kc.getCurrentCluster()) {
    throw new KubeConfigError('kubeconfig has no current cluster', kubeconfigPath ?? 'default locations');
  }
  return kc;
}
