// `npm run cluster:up` / `npm run cluster:down`: a cluster for working by hand, left running detached.
//   up            start one (or report the one already up) and print the KUBECONFIG line
//   down [dir]    stop the one `up` started, or the cluster whose state directory is given
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureBinaries } from './ensure-binaries.ts';
import { LocalCluster } from './local-cluster.ts';
import { DEFAULT_STATE_ROOT, startCluster } from './start-cluster.ts';

/** Which cluster `up` started, for `down` and for a second `up`. */
const UP_RECORD = join(DEFAULT_STATE_ROOT, 'cluster-up');

function recordedCluster(): LocalCluster | undefined {
  if (!existsSync(UP_RECORD)) return undefined;
  try {
    return LocalCluster.attach(readFileSync(UP_RECORD, 'utf8').trim());
  } catch {
    return undefined;
  }
}

function printUsage(cluster: LocalCluster): void {
  console.log(`# cluster ${cluster.id}: ${cluster.apiServerURL} (Kubernetes ${cluster.kubernetesVersion})`);
  console.log(`# logs: ${cluster.logsDir}`);
  console.log(`export KUBECONFIG=${cluster.kubeconfigPath}`);
}

async function up(): Promise<void> {
  const running = recordedCluster();
  if (running?.isRunning()) {
    console.error(`cluster ${running.id} is already up; \`npm run cluster:down\` stops it`);
    printUsage(running);
    return;
  }
  await ensureBinaries();
  const cluster = await startCluster();
  writeFileSync(UP_RECORD, `${cluster.stateDir}\n`);
  printUsage(cluster);
}

async function down(stateDir: string | undefined): Promise<void> {
  const cluster = stateDir ? LocalCluster.attach(resolve(stateDir)) : recordedCluster();
  if (!cluster) {
    console.error('no cluster recorded by `npm run cluster:up`; pass a state directory (.e2e/cluster-<id>)');
    process.exitCode = 1;
    return;
  }
  await cluster.stop();
  if (!stateDir) rmSync(UP_RECORD, { force: true });
  console.log(`cluster ${cluster.id} stopped; logs kept in ${cluster.logsDir}`);
}

const [command, argument] = process.argv.slice(2);
try {
  if (command === 'up') await up();
  else if (command === 'down') await down(argument);
  else {
    console.error(
      `usage: node e2e/cluster/cli.ts up | down [state-dir]; got ${JSON.stringify(command ?? '')}`,
    );
    process.exitCode = 2;
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
