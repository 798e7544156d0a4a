// The custom resources with their Ready column, and every child the controller made for them.
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import type { DemoOutput } from './demo-output.ts';
import { MANAGED_BY_SELECTOR } from './demo-settings.ts';

export async function showResources(cluster: LocalCluster, out: DemoOutput): Promise<void> {
  for (const args of [
    ['get', 'agr,aim', '-A'],
    ['get', 'deploy,svc,cm', '-l', MANAGED_BY_SELECTOR, '-A'],
  ]) {
    out.command(['kubectl', ...args], await cluster.kubectl.run(args));
  }
}
