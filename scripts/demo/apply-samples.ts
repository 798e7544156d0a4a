// kubectl apply of samples/ and the seed examples, then kubectl wait until every route and model is Ready.
import { relative } from 'node:path';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { formatSeconds } from './demo-output.ts';
import type { DemoOutput } from './demo-output.ts';
import {
  READY_TIMEOUT_SECONDS,
  REPO_ROOT,
  SAMPLES_DIR,
  SAMPLES_NAMESPACE,
  SEEDS_DIR,
} from './demo-settings.ts';

const applyArgs = (dirs: string[]) => ['apply', '-n', SAMPLES_NAMESPACE, ...dirs.flatMap((d) => ['-f', d])];

export async function applySamples(cluster: LocalCluster, out: DemoOutput): Promise<void> {
  const dirs = [SAMPLES_DIR, SEEDS_DIR];
  out.command(['kubectl', ...applyArgs(dirs.map((dir) => relative(REPO_ROOT, dir)))]);
  out.output(await cluster.kubectl.run(applyArgs(dirs)));

  const wait = [
    'wait',
    '-n',
    SAMPLES_NAMESPACE,
    '--for=condition=Ready',
    `--timeout=${READY_TIMEOUT_SECONDS}s`,
    'aimodels,apigatewayroutes',
    '--all',
  ];
  out.command(['kubectl', ...wait]);
  const started = Date.now();
  out.output(await cluster.kubectl.run(wait, { timeoutMs: (READY_TIMEOUT_SECONDS + 30) * 1000 }));
  out.step(`every AIModel and APIGatewayRoute Ready after ${formatSeconds(Date.now() - started)}`);
}
