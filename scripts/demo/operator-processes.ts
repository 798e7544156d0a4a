// Both processes run on this machine from dist/, with the chart's flags and as the chart's
// ServiceAccounts (bound tokens from the TokenRequest API), the way the chart's pods would run them.
// Only what differs outside a pod is overridden: the kubeconfig, loopback bind addresses and ports, and
// the DNS server the gateways resolve Service names with.
import { join } from 'node:path';
import { replaceFlags, startOperatorProcess } from '../../e2e/chart/operator-process.ts';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import type { ProcessCommand } from './chart-instructions.ts';
import type { CleanupStack } from './cleanup-stack.ts';
import { formatSeconds } from './demo-output.ts';
import type { DemoOutput } from './demo-output.ts';
import { CONTROLLER_SERVICE_ACCOUNT, OPERATOR_NAMESPACE, WEBHOOK_SERVICE_ACCOUNT } from './demo-settings.ts';
import type { InstalledChart } from './install-chart.ts';

/** Long enough for a demo left running all day; the chart's pods get tokens the kubelet renews. */
const TOKEN_SECONDS = 24 * 3600;

interface ProcessPorts {
  webhookHealth: number;
  controllerHealth: number;
  controllerMetrics: number;
}

export interface OperatorProcessContext {
  cluster: LocalCluster;
  chart: InstalledChart;
  ports: ProcessPorts;
  /** Kubeconfigs and logs go here. */
  workDir: string;
  /** `host:port` of the DNS server that knows the sample Services. */
  gatewayResolver: string;
  out: DemoOutput;
  cleanup: CleanupStack;
}

async function runAs(
  context: OperatorProcessContext,
  serviceAccount: string,
  { script, flags }: ProcessCommand,
  localFlags: (kubeconfig: string) => string[],
  healthPort: number,
): Promise<void> {
  const { cluster, workDir, out, cleanup } = context;
  const name = script.split('/')[1] ?? script;
  const kubeconfig = await cluster.writeServiceAccountKubeconfig(
    OPERATOR_NAMESPACE,
    serviceAccount,
    join(workDir, `${name}.kubeconfig`),
    { durationSeconds: TOKEN_SECONDS },
  );
  const args = replaceFlags(flags, localFlags(kubeconfig));
  const logPath = join(workDir, `${name}.log`);
  out.command(['node', script, ...args]);
  const started = Date.now();
  const running = await startOperatorProcess({ script, args, logPath, healthPort });
  cleanup.push(`stop the ${name}`, () => running.stop());
  out.step(
    `${name} ready in ${formatSeconds(Date.now() - started)}, as ` +
      `system:serviceaccount:${OPERATOR_NAMESPACE}:${serviceAccount}; log: ${logPath}`,
  );
}

export async function startWebhook(context: OperatorProcessContext): Promise<void> {
  await runAs(
    context,
    WEBHOOK_SERVICE_ACCOUNT,
    context.chart.webhookCommand,
    (kubeconfig) => [
      `--kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--health-probe-bind-address=127.0.0.1:${context.ports.webhookHealth}`,
    ],
    context.ports.webhookHealth,
  );
}

export async function startController(context: OperatorProcessContext): Promise<void> {
  const { ports } = context;
  await runAs(
    context,
    CONTROLLER_SERVICE_ACCOUNT,
    context.chart.controllerCommand,
    (kubeconfig) => [
      `--kubeconfig=${kubeconfig}`,
      `--health-probe-bind-address=127.0.0.1:${ports.controllerHealth}`,
      `--metrics-bind-address=127.0.0.1:${ports.controllerMetrics}`,
      `--gateway-resolver=${context.gatewayResolver}`,
    ],
    ports.controllerHealth,
  );
}
