// Dead code: `npm run deadcode` (knip) fails on a file nothing imports, an export nothing imports
// elsewhere, or a dependency nothing uses. Everything is reached from the entry points below: the image's
// three programs, the CRD generator, the demo, the benchmarks, the e2e cluster's command line and the
// processes tests start by path, and every test (jest's and eslint's configurations are read by knip's
// plugins). An export that only tests import counts as used.
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  entry: [
    'controller/main.ts',
    'webhook/main.ts',
    'gateway-reloader/main.ts',
    'shared/generate/main.ts',
    'scripts/*.{ts,mjs}',
    'scripts/demo/main.ts',
    'bench/*/main.ts',
    'bench/gateway/reload-main.ts',
    // Started by path as child processes.
    'bench/webhook/bench-server.ts',
    'bench/webhook/startup-bare-server.ts',
    'e2e/cluster/cli.ts',
    'e2e/cluster/fake-reloaders-main.ts',
    'e2e/setup/*.ts',
    'test/setup/*.ts',
    '**/*.test.ts',
  ],
  project: ['**/*.{ts,js,mjs}'],
  // The npm scripts run these through scripts/run.sh (`node node_modules/jest/bin/jest.js`, `prettier`),
  // which knip does not follow.
  ignoreDependencies: ['jest', 'prettier'],
};

export default config;
