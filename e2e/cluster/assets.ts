// Where the control plane's binaries come from: $E2E_ASSETS, then $KUBEBUILDER_ASSETS, then the
// per-version cache that build.sh fills. Each binary is looked up on its own, so a directory of
// envtest binaries (etcd, kube-apiserver, kubectl) can be combined with built ones for the rest.
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MissingAssetError } from './errors.ts';
import type { PinnedVersions } from './versions.ts';

export interface ControlPlaneAssets {
  etcd: string;
  kubeAPIServer: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kwok: string;
  /** Directory of kwok Stage manifests (node and pod lifecycles). */
  kwokStages: string;
}

function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.AGO_CACHE_DIR || join(homedir(), '.cache', 'ai-gateway-operator'), 'control-plane');
}

/** The directories searched, most preferred first, each with the assets it may hold. */
export function assetSearchPath(versions: PinnedVersions, env: NodeJS.ProcessEnv = process.env): string[] {
  const cache = cacheDirectory(env);
  return [
    env.E2E_ASSETS,
    env.KUBEBUILDER_ASSETS,
    join(cache, `kubernetes-${versions.kubernetes}`),
    join(cache, `kwok-${versions.kwok}`),
    join(cache, `helm-${versions.helm}`),
  ].filter((dir): dir is string => Boolean(dir));
}

/** The path of one binary (or the kwok-stages directory); throws MissingAssetError when there is none. */
export function findAsset(name: string, searchPath: readonly string[]): string {
  for (const dir of searchPath) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory; try the next one
    }
  }
  throw new MissingAssetError(name, searchPath);
}

/** What a cluster runs; helm is looked up separately, only by the tests that use it. */
export function resolveAssets(
  versions: PinnedVersions,
  env: NodeJS.ProcessEnv = process.env,
): ControlPlaneAssets {
  const searchPath = assetSearchPath(versions, env);
  return {
    etcd: findAsset('etcd', searchPath),
    kubeAPIServer: findAsset('kube-apiserver', searchPath),
    kubeControllerManager: findAsset('kube-controller-manager', searchPath),
    kubeScheduler: findAsset('kube-scheduler', searchPath),
    kubectl: findAsset('kubectl', searchPath),
    kwok: findAsset('kwok', searchPath),
    kwokStages: findAsset('kwok-stages', searchPath),
  };
}
