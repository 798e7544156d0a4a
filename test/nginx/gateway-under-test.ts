// A gateway as the tests run it: the rendered configuration in a real nginx on a loopback port, with a
// loopback DNS server standing in for the cluster DNS so Service names reach local backends. It is
// handed over once nginx holds the answers for every backend name (see startNginx).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { GatewayConfigInput } from '../../shared/gateway/gateway-options.ts';
import { renderGatewayConfig, type GatewayConfig } from '../../shared/gateway/render-gateway-config.ts';
import { FIXTURE_GATEWAY, FIXTURE_NAMESPACE } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { freeLoopbackPort } from './free-port.ts';
import { sendRequest, type HTTPAnswer, type HTTPRequestOptions } from './http-request.ts';
import { startLoopbackDNSServer, type LoopbackDNSServer } from './loopback-dns-server.ts';
import { njsModulesDirectory } from './nginx-binary.ts';
import {
  createNginxWorkspace,
  removeNginxWorkspace,
  startNginx,
  type NginxWorkspace,
  type RunningNginx,
} from './nginx-process.ts';

export interface GatewayUnderTestOptions {
  routes: APIGatewayRouteV1[];
  models?: AIModelV1[];
  /** Names the DNS server answers with 127.0.0.1, e.g. "users.team-a.svc.cluster.local". */
  dnsNames?: string[];
  /** Renderer options beyond those the test environment fixes. */
  render?: Partial<GatewayConfigInput>;
}

export interface GatewayUnderTest {
  port: number;
  dns: LoopbackDNSServer;
  nginx: RunningNginx;
  workspace: NginxWorkspace;
  /** Where API-key Secrets are "mounted": one directory per Secret. */
  apiKeysDirectory: string;
  /** Where provider-credentials Secrets are "mounted": one directory per Secret. */
  credentialsDirectory: string;
  /** The port of the gateway's metrics (AI routes only). */
  metricsPort: number;
  /** The configuration nginx runs now. */
  rendered: GatewayConfig;
  request(path: string, options?: HTTPRequestOptions): Promise<HTTPAnswer>;
  /** Renders the configuration for other routes, with the same options, and reloads nginx with it. */
  reconfigure(routes: APIGatewayRouteV1[]): Promise<void>;
  stop(): Promise<void>;
}

/** The cluster DNS name of a Service in the fixture namespace. */
export function serviceDNSName(service: string, namespace = FIXTURE_NAMESPACE): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

export async function startGatewayUnderTest(options: GatewayUnderTestOptions): Promise<GatewayUnderTest> {
  const dns = await startLoopbackDNSServer(options.dnsNames ?? []);
  const workspace = await createNginxWorkspace();
  const apiKeysDirectory = join(workspace.directory, 'api-keys');
  await mkdir(apiKeysDirectory, { mode: 0o755 });
  const credentialsDirectory = join(workspace.directory, 'credentials');
  await mkdir(credentialsDirectory, { mode: 0o755 });
  const port = await freeLoopbackPort();
  let metricsPort = await freeLoopbackPort();
  while (metricsPort === port) metricsPort = await freeLoopbackPort();
  const render = (routes: APIGatewayRouteV1[]) =>
    renderGatewayConfig({
      namespace: FIXTURE_NAMESPACE,
      gateway: FIXTURE_GATEWAY,
      routes,
      models: options.models ?? [],
      resolver: dns.address,
      resolverValidSeconds: 1,
      listenAddress: '127.0.0.1',
      listenPort: port,
      runtimeDirectory: workspace.runtimeDirectory,
      accessLog: workspace.accessLog,
      errorLog: workspace.errorLog,
      apiKeysDirectory,
      credentialsDirectory,
      metricsPort,
      // Only routes with API keys or to models load the njs module; the others leave the renderer's
      // default unused.
      ...(routes.some(
        (r) =>
          (r.spec.authenticationRequired && r.spec.apiKeySecretRef) ||
          r.spec.aiModelRef !== undefined ||
          r.spec.aiModelRouting !== undefined,
      )
        ? { modulesDirectory: njsModulesDirectory() }
        : {}),
      ...options.render,
    });
  const rendered = render(options.routes);
  let nginx: RunningNginx;
  try {
    nginx = await startNginx(workspace, rendered, port);
  } catch (error) {
    await dns.close();
    await removeNginxWorkspace(workspace);
    throw error;
  }
  const gateway: GatewayUnderTest = {
    port,
    dns,
    nginx,
    workspace,
    apiKeysDirectory,
    credentialsDirectory,
    metricsPort,
    rendered,
    request: (path, requestOptions) => sendRequest(port, path, requestOptions),
    async reconfigure(routes) {
      const next = render(routes);
      await nginx.reload(next);
      gateway.rendered = next;
    },
    async stop() {
      await nginx.stop();
      await dns.close();
      await removeNginxWorkspace(workspace);
    },
  };
  return gateway;
}
