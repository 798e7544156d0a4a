// helm install of the chart for a webhook running on this machine (webhook.externalURL), then what
// NOTES.txt says to do next: point the CRDs' conversion at the same URL.
import { join } from 'node:path';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { CHART_DIR, runHelm } from '../../test/chart/helm.ts';
import type { ProcessCommand } from './chart-instructions.ts';
import {
  crdPatchesFromNotes,
  deploymentCommandFromManifest,
  webhookCommandFromNotes,
} from './chart-instructions.ts';
import type { DemoOutput } from './demo-output.ts';
import { CONTROLLER_DEPLOYMENT, OPERATOR_NAMESPACE, RELEASE } from './demo-settings.ts';

export interface ChartPorts {
  webhook: number;
  webhookHealth: number;
}

export interface InstalledChart {
  /** `dist/webhook/main.js` and its flags, from NOTES.txt. */
  webhookCommand: ProcessCommand;
  /** `dist/controller/main.js` and its flags, from the controller Deployment. */
  controllerCommand: ProcessCommand;
}

function webhookURL(ports: ChartPorts): string {
  return `https://127.0.0.1:${ports.webhook}`;
}

function chartValues(ports: ChartPorts): string[] {
  return [
    `webhook.externalURL=${webhookURL(ports)}`,
    `webhook.ports.health=${ports.webhookHealth}`,
    // The controller runs on this machine instead of in a pod (the fake node runs no containers).
    'controller.replicas=0',
  ];
}

export async function installChart(
  cluster: LocalCluster,
  ports: ChartPorts,
  out: DemoOutput,
): Promise<InstalledChart> {
  const home = join(cluster.stateDir, 'helm');
  // Helm's own state stays with the cluster: it never reads the user's repositories or plugins.
  const env = {
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  const helm = (args: string[]) => runHelm([`--kubeconfig=${cluster.kubeconfigPath}`, ...args], env);
  const install = (chart: string) => [
    'install',
    RELEASE,
    chart,
    '--namespace',
    OPERATOR_NAMESPACE,
    '--create-namespace',
    ...chartValues(ports).flatMap((value) => ['--set', value]),
    '--wait',
  ];
  out.command(`helm ${install('charts/ai-gateway-operator').join(' ')}`);
  const { stdout: notes } = await helm(install(CHART_DIR));
  const status = /^STATUS: (.*)$/m.exec(notes)?.[1] ?? 'unknown';
  out.step(`release ${RELEASE} in namespace ${OPERATOR_NAMESPACE}: ${status}`);

  out.step("NOTES.txt: point the CRDs' conversion at the webhook's URL (Helm does not template CRDs):");
  for (const { crd, patch } of crdPatchesFromNotes(notes)) {
    out.command(`kubectl patch crd ${crd} --type=merge -p '${patch}'`);
    await cluster.kubectl.run(['patch', 'crd', crd, '--type=merge', '-p', patch]);
  }
  const { stdout: manifest } = await helm(['get', 'manifest', RELEASE, '--namespace', OPERATOR_NAMESPACE]);
  return {
    webhookCommand: webhookCommandFromNotes(notes),
    controllerCommand: deploymentCommandFromManifest(manifest, CONTROLLER_DEPLOYMENT),
  };
}
