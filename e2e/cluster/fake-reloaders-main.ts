// The fake reloaders as a component of the local cluster: `node e2e/cluster/fake-reloaders-main.ts
// --state-dir=<cluster state dir> --health-port=<port>`, started and stopped with the cluster. GET
// /healthz on 127.0.0.1:<health port> answers 200 once the gateway pods have been listed.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { AdminAPI } from './admin-api.ts';
import { adminCredentials, readClusterState } from './cluster-state.ts';
import { FakeReloaders } from './fake-reloaders.ts';

const { values } = parseArgs({
  options: { 'state-dir': { type: 'string' }, 'health-port': { type: 'string' } },
  strict: true,
});
const stateDir = values['state-dir'];
const healthPort = Number(values['health-port']);
if (!stateDir || !Number.isInteger(healthPort)) {
  process.stderr.write('usage: fake-reloaders-main.ts --state-dir=<dir> --health-port=<port>\n');
  process.exit(2);
}

const reloaders = new FakeReloaders({
  api: new AdminAPI(adminCredentials(readClusterState(stateDir))),
  log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
});
reloaders.start();
const health = createServer((_req, res) => res.writeHead(reloaders.ready ? 200 : 503).end());
health.listen(healthPort, '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    health.close();
    void reloaders.stop().then(() => process.exit(0));
  });
}
