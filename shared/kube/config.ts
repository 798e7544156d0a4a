// Where both processes get their API server credentials: an explicit kubeconfig file, the in-cluster
// service account, or the usual defaults ($KUBECONFIG, ~/.kube/config) — in that order.
import { KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export class KubeConfigError extends Error {
  readonly source: string;
  constructor(message: string, source: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeConfigError';
    this.source = source;
  }
}

export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (kubeconfigPath) {
      kc.loadFromFile(kubeconfigPath);
    } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
      kc.loadFromCluster();
    } else {
      kc.loadFromDefault();
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
