// Where the monitoring tests find prometheus and promtool: the tree scripts/prometheus/build.sh puts in the
// cache for the version scripts/prometheus/versions.env pins. A missing tree is one error naming the build
// command, never a silent fall back to another Prometheus.
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROMETHEUS_BUILD_COMMAND = 'bash scripts/prometheus/build.sh';
const VERSIONS_FILE = fileURLToPath(new URL('../../../scripts/prometheus/versions.env', import.meta.url));

function pinnedPackageVersion(): string {
  const match = /^PROMETHEUS_PACKAGE_VERSION=(\S+)$/m.exec(readFileSync(VERSIONS_FILE, 'utf8'));
  if (!match?.[1]) throw new Error(`${VERSIONS_FILE} has no PROMETHEUS_PACKAGE_VERSION=`);
  return match[1];
}

function prometheusTool(name: 'prometheus' | 'promtool'): string {
  const cache = process.env.AGO_CACHE_DIR || join(homedir(), '.cache', 'ai-gateway-operator');
  const tree = join(cache, 'prometheus', `prometheus-${pinnedPackageVersion()}`);
  try {
    accessSync(join(tree, '.complete'));
  } catch {
    throw new Error(`Prometheus is not in the cache (no ${tree}); get it with: ${PROMETHEUS_BUILD_COMMAND}`);
  }
  const path = join(tree, 'bin', name);
  accessSync(path, constants.X_OK);
  return path;
}

export const prometheusBinary = () => prometheusTool('prometheus');
export const promtoolBinary = () => prometheusTool('promtool');
