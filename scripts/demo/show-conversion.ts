// A route written as v1alpha1, read back as v1: the API server stored it through the conversion webhook.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import type { DemoOutput } from './demo-output.ts';
import { REPO_ROOT, SAMPLES_DIR, SAMPLES_NAMESPACE } from './demo-settings.ts';

const LEGACY_SAMPLE = join(SAMPLES_DIR, '33-route-legacy-v1alpha1.yaml');

interface RouteView {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: unknown;
}

/** What is worth comparing across versions: the metadata and status do not change. */
function essentials(route: RouteView): RouteView {
  return {
    apiVersion: route.apiVersion,
    kind: route.kind,
    metadata: { name: route.metadata.name },
    spec: route.spec,
  };
}

class ConversionMismatchError extends Error {
  readonly route: string;
  constructor(route: string, apiVersion: string) {
    super(`APIGatewayRoute ${route} read as v1 came back as ${apiVersion}`);
    this.name = 'ConversionMismatchError';
    this.route = route;
  }
}

export async function showConversion(cluster: LocalCluster, out: DemoOutput): Promise<void> {
  const written = parse(await readFile(LEGACY_SAMPLE, 'utf8')) as RouteView;
  out.step(`written as ${written.apiVersion} (${relative(REPO_ROOT, LEGACY_SAMPLE)}):`);
  out.output(stringify(essentials(written)));
  const args = [
    'get',
    `apigatewayroutes.v1.gateway.example.com/${written.metadata.name}`,
    '-n',
    SAMPLES_NAMESPACE,
    '-o',
    'yaml',
  ];
  const read = parse(await cluster.kubectl.run(args)) as RouteView;
  if (read.apiVersion !== 'gateway.example.com/v1') {
    throw new ConversionMismatchError(written.metadata.name, read.apiVersion);
  }
  out.command(['kubectl', ...args]);
  out.output(stringify(essentials(read)));
  out.step('(metadata and status shortened: they read the same in both versions)');
}
