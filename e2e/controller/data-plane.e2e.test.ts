// The data-plane proof: the nginx configuration the controller wrote into the gateway ConfigMap, taken
// from the cluster as it is, runs in a real nginx and routes requests — to a backend found through the
// resolver the controller configured, with API keys from the cluster Secret the route names.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { join } from 'node:path';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { CONFIG_MAPS } from '../../shared/kube/well-known-resources.ts';
import type { ConfigMap } from '../../controller/children/kube-objects.ts';
import { API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { startEchoBackend, type EchoBackend } from '../../test/nginx/echo-backend.ts';
import { freeLoopbackPort } from '../../test/nginx/free-port.ts';
import { sendRequest } from '../../test/nginx/http-request.ts';
import { startLoopbackDNSServer, type LoopbackDNSServer } from '../../test/nginx/loopback-dns-server.ts';
import { njsModulesDirectory } from '../../test/nginx/nginx-binary.ts';
import {
  createNginxWorkspace,
  removeNginxWorkspace,
  startNginx,
  type NginxWorkspace,
  type RunningNginx,
} from '../../test/nginx/nginx-process.ts';
import { writeSecretVolume } from '../../test/nginx/secret-volume.ts';
import { kubectl } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { localGatewayConfig } from './support/local-gateway-config.ts';
import { serviceRoute } from './support/objects.ts';
import { deleteNamespace, getObject, prepareTestNamespace } from './support/operator-cluster.ts';

const SECRETS = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true };
const API_KEY = 'k3y-from-the-cluster';

// Each step waits on a real control plane (rollouts, garbage collection, a Lease expiring).
jest.setTimeout(240_000);

let api: HTTPKubeAPI;
let namespace: string;
let controller: ControllerProcess | undefined;
let dns: LoopbackDNSServer | undefined;
let backend: EchoBackend | undefined;
let workspace: NginxWorkspace | undefined;
let nginx: RunningNginx | undefined;

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-dataplane'));
  backend = await startEchoBackend('echo');
  dns = await startLoopbackDNSServer([`echo.${namespace}.svc.cluster.local`]);
  controller = await ControllerProcess.start({
    name: 'data-plane',
    args: [`--namespaces=${namespace}`, '--leader-elect=false', `--gateway-resolver=${dns.address}`],
  });
});

afterAll(async () => {
  await nginx?.stop();
  if (workspace) await removeNginxWorkspace(workspace);
  await controller?.stop();
  await dns?.close();
  await backend?.close();
  await deleteNamespace(api, namespace);
});

describe('the gateway configuration from the cluster in a real nginx', () => {
  it('routes requests and checks API keys as the routes say', async () => {
    const port = backend?.port ?? 0;
    await api.create(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace, name: 'client-keys' },
      type: 'gateway.example.com/api-key',
      stringData: { 'team-a': API_KEY },
    });
    await api.create(
      API_GATEWAY_ROUTES,
      serviceRoute(namespace, 'hello', { destinationService: 'echo', destinationPort: port }),
    );
    await api.create(
      API_GATEWAY_ROUTES,
      serviceRoute(namespace, 'secure', {
        path: '/secure',
        method: 'ANY',
        destinationService: 'echo',
        destinationPort: port,
        authenticationRequired: true,
        apiKeySecretRef: { name: 'client-keys' },
      }),
    );
    await kubectl([
      'wait',
      '-n',
      namespace,
      '--for=condition=Ready',
      '--timeout=120s',
      'agr/hello',
      'agr/secure',
    ]);

    const configMap = await getObject<ConfigMap>(api, CONFIG_MAPS, { namespace, name: 'agw-default' });
    const { 'nginx.conf': config = '', ...files } = configMap?.data ?? {};
    workspace = await createNginxWorkspace();
    const apiKeysDirectory = join(workspace.directory, 'api-keys');
    const secret = await getObject<KubeObject & { data?: Record<string, string> }>(api, SECRETS, {
      namespace,
      name: 'client-keys',
    });
    await writeSecretVolume(
      join(apiKeysDirectory, 'client-keys'),
      Object.fromEntries(
        Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
      ),
    );
    const listen = await freeLoopbackPort();
    let metricsPort = await freeLoopbackPort();
    while (metricsPort === listen) metricsPort = await freeLoopbackPort();
    nginx = await startNginx(
      workspace,
      {
        config: localGatewayConfig(config, {
          port: listen,
          metricsPort,
          runtimeDirectory: workspace.runtimeDirectory,
          accessLog: workspace.accessLog,
          modulesDirectory: njsModulesDirectory(),
          apiKeysDirectory,
        }),
        files,
      },
      listen,
    );

    const hello = await sendRequest(listen, '/hello/world?x=1');
    expect(hello.status).toBe(200);
    expect(JSON.parse(hello.body)).toMatchObject({ backend: 'echo', method: 'GET', url: '/hello/world?x=1' });
    expect((await sendRequest(listen, '/hello', { method: 'POST' })).status).toBe(405);
    expect((await sendRequest(listen, '/nowhere')).status).toBe(404);
    expect((await sendRequest(listen, '/secure')).status).toBe(401);
    const authorized = await sendRequest(listen, '/secure/data', {
      headers: { Authorization: `Bearer ${API_KEY}` },
    });
    expect(authorized.status).toBe(200);
    // The key is the gateway's credential: it is not passed on to the backend.
    expect(JSON.parse(authorized.body).headers.authorization).toBeUndefined();
    expect(dns?.questions).toContain(`echo.${namespace}.svc.cluster.local`);
  });
});
