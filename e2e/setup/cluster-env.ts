// What e2e tests use to reach the cluster that the global setup provided (a fresh local one, or the one
// named by $E2E_KUBECONFIG): its kubeconfig, kubectl and helm bound to it, and a few common steps.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assetSearchPath, findAsset } from '../cluster/assets.ts';
import { stateFilePath } from '../cluster/cluster-state.ts';
import { Kubectl } from '../cluster/kubectl.ts';
import { LocalCluster } from '../cluster/local-cluster.ts';
import { runCommand } from '../cluster/run-command.ts';
import type { RunOptions } from '../cluster/run-command.ts';
import { readPinnedVersions } from '../cluster/versions.ts';

export { waitFor } from '../cluster/wait-for.ts';
export type { WaitOptions } from '../cluster/wait-for.ts';
export { sumSamples } from '../cluster/prometheus-text.ts';
export type { MetricSample } from '../cluster/prometheus-text.ts';

/**
 * Per-test timeout for e2e tests that wait on the cluster. Pass it explicitly (`test(name, fn,
 * E2E_TEST_TIMEOUT_MS)`): jest reads `testTimeout` only from the top-level configuration, not per project.
 */
export const E2E_TEST_TIMEOUT_MS = 180_000;

/** Set by the global setup for the test files. */
export const KUBECONFIG_ENV = 'KUBECONFIG_E2E';

export function e2eKubeconfig(): string {
  const path = process.env[KUBECONFIG_ENV];
  if (!path) {
    throw new Error(
      `${KUBECONFIG_ENV} is not set: run e2e tests with \`npm run test:e2e\` so the global setup runs`,
    );
  }
  return path;
}

/**
 * The local cluster behind the kubeconfig, for what only it can do (restart its API server, read its
 * /metrics as admin): the one the global setup started, or one from `cluster:up` given as $E2E_KUBECONFIG.
 */
export function e2eCluster(): LocalCluster {
  const stateDir = dirname(e2eKubeconfig());
  if (!existsSync(stateFilePath(stateDir))) {
    throw new Error(
      `${e2eKubeconfig()} is not a cluster started by e2e/cluster (no ${stateFilePath(stateDir)}); ` +
        'this test needs one: unset E2E_KUBECONFIG, or point it at a `npm run cluster:up` kubeconfig',
    );
  }
  return LocalCluster.attach(stateDir);
}

function localStateDir(): string | undefined {
  const stateDir = dirname(e2eKubeconfig());
  return existsSync(stateFilePath(stateDir)) ? stateDir : undefined;
}

export function kubectlPath(): string {
  return findAsset('kubectl', assetSearchPath(readPinnedVersions()));
}

export function helmPath(): string {
  return findAsset('helm', assetSearchPath(readPinnedVersions()));
}

export function e2eKubectl(): Kubectl {
  const stateDir = localStateDir();
  return new Kubectl({
    kubectlPath: kubectlPath(),
    kubeconfigPath: e2eKubeconfig(),
    ...(stateDir ? { cacheDir: join(stateDir, 'kubectl-cache') } : {}),
  });
}

/** `kubectl <args>` against the e2e cluster; resolves to standard output, throws CommandError on failure. */
export function kubectl(args: readonly string[], options?: RunOptions): Promise<string> {
  return e2eKubectl().run(args, options);
}

/** `kubectl apply` of YAML (or JSON) text, one or more documents. */
export function applyYAML(yaml: string, args: readonly string[] = []): Promise<string> {
  return e2eKubectl().apply(yaml, args);
}

/**
 * `helm <args>` against the e2e cluster. Helm's cache, config and data go to a directory of their own
 * (the cluster's state directory when local) so runs never read the user's repositories or plugins.
 */
export function helm(args: readonly string[], options: RunOptions = {}): Promise<string> {
  const home = join(localStateDir() ?? dirname(e2eKubeconfig()), 'helm');
  return runCommand(helmPath(), [`--kubeconfig=${e2eKubeconfig()}`, ...args], {
    ...options,
    env: {
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
      ...options.env,
    },
  });
}
