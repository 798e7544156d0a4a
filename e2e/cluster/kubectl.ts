// kubectl bound to one cluster's kubeconfig: what tests and the cluster helpers use to talk to it.
import { runCommand } from './run-command.ts';
import type { RunOptions } from './run-command.ts';

export interface KubectlTarget {
  kubectlPath: string;
  kubeconfigPath: string;
  /**
   * Discovery cache of this cluster alone: clusters reuse ports, and a shared cache keyed by host:port
   * would hand one cluster's resource list (its CRDs) to the next.
   */
  cacheDir?: string;
}

export class Kubectl {
  readonly target: KubectlTarget;

  constructor(target: KubectlTarget) {
    this.target = target;
  }

  /** Runs `kubectl <args>` and returns its standard output; throws CommandError on a non-zero exit. */
  run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const global = [`--kubeconfig=${this.target.kubeconfigPath}`];
    if (this.target.cacheDir) global.push(`--cache-dir=${this.target.cacheDir}`);
    return runCommand(this.target.kubectlPath, [...global, ...args], options);
  }

  /** `kubectl apply` of a manifest given as text (one or more YAML or JSON documents). */
  apply(manifest: string, args: readonly string[] = []): Promise<string> {
    return this.run(['apply', '-f', '-', ...args], { input: manifest });
  }

  async getJSON<T = unknown>(args: readonly string[]): Promise<T> {
    return JSON.parse(await this.run(['get', ...args, '-o', 'json'])) as T;
  }
}
