// The demo from build to requests through the gateway, one section per step. Everything started is
// registered on the cleanup stack the moment it runs; between sections an interruption (Ctrl-C) stops the
// demo, and the caller's cleanup stops what was started.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBinaries } from '../../e2e/cluster/ensure-binaries.ts';
import { freeLoopbackPorts } from '../../e2e/cluster/free-ports.ts';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { startCluster } from '../../e2e/cluster/start-cluster.ts';
import { showAIGateway } from './ai-gateway-requests.ts';
import { applySamples } from './apply-samples.ts';
import { buildProject } from './build-project.ts';
import type { CleanupStack } from './cleanup-stack.ts';
import type { DemoOutput } from './demo-output.ts';
import { PROVIDER_KEY_SECRET } from './demo-settings.ts';
import { gatewayRequests, sendGatewayRequests } from './gateway-requests.ts';
import { installChart } from './install-chart.ts';
import type { LocalGateway } from './local-gateway.ts';
import { runGatewayLocally } from './run-gateway-locally.ts';
import { startController, startWebhook } from './operator-processes.ts';
import { checkMachine } from './preflight.ts';
import { readAPIKey, readSecretValue } from './read-api-key.ts';
import { startSampleBackend } from './sample-backend.ts';
import { showAdmission } from './show-admission.ts';
import { showConversion } from './show-conversion.ts';
import { showResources } from './show-resources.ts';

export interface DemoContext {
  out: DemoOutput;
  cleanup: CleanupStack;
  /** Aborted by SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Told about the cluster as soon as it runs, for a last-resort kill if the demo dies abruptly. */
  onCluster(cluster: LocalCluster): void;
}

export interface RunningDemo {
  cluster: LocalCluster;
  gateway: LocalGateway;
  workDir: string;
}

export async function runDemo({ out, cleanup, signal, onCluster }: DemoContext): Promise<RunningDemo> {
  const section = (title: string) => {
    signal.throwIfAborted();
    out.section(title);
  };

  section('Build');
  checkMachine();
  await out.timed('npm run build: dist/ is up to date', buildProject);

  section('The sample backends on this machine');
  const backends = await startSampleBackend(cleanup, out);

  section('Local Kubernetes control plane');
  await out.timed(
    'binaries ready (built from Go modules once per machine, about 20 minutes; cached after)',
    ensureBinaries,
  );
  const cluster = await out.timed(
    'etcd, kube-apiserver, controller manager, scheduler and a kwok node up',
    () => startCluster(),
  );
  onCluster(cluster);
  cleanup.push('stop the control plane', () => cluster.stop());
  out.step(`cluster ${cluster.id}: Kubernetes ${cluster.kubernetesVersion} at ${cluster.apiServerURL}`);
  out.step(`state and logs: ${cluster.stateDir}`);
  const workDir = join(cluster.stateDir, 'demo');
  await mkdir(workDir, { recursive: true });

  section('Install the Helm chart');
  const ports = await freeLoopbackPorts([
    'webhook',
    'webhookHealth',
    'controllerHealth',
    'controllerMetrics',
  ] as const);
  const chart = await installChart(cluster, ports, out);

  section('Run the webhook and the controller on this machine');
  const gatewayResolver = backends.resolver;
  const processes = { cluster, chart, ports, workDir, gatewayResolver, out, cleanup };
  await startWebhook(processes);
  await startController(processes);

  section('Apply the samples and the seed examples');
  await applySamples(cluster, out);

  section('Routes, models and what the controller made for them');
  await showResources(cluster, out);

  section('Admission: the webhook refuses an invalid AIModel');
  await showAdmission(cluster, out);

  section('Conversion: a v1alpha1 route read back as v1');
  await showConversion(cluster, out);

  section('Requests through the gateway configuration the controller wrote');
  const gateway = await runGatewayLocally(cluster, out);
  cleanup.push('stop nginx', () => gateway.stop());
  const apiKey = await readAPIKey(cluster);
  await sendGatewayRequests(gateway.port, gatewayRequests(apiKey), out);

  section('AI gateway: provider key, fallback and token metrics through the same nginx');
  await showAIGateway({
    gateway,
    primary: backends.primary,
    fallback: backends.fallback,
    apiKey,
    providerKey: await readSecretValue(cluster, PROVIDER_KEY_SECRET.name, PROVIDER_KEY_SECRET.key),
    out,
  });
  return { cluster, gateway, workDir };
}
