// Every configuration the renderer writes is one nginx accepts: `nginx -t` on hundreds of random route
// sets, schema-valid and attacker-written, with the models, rate limits and API keys they bring.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { admitRoutes } from '../../shared/gateway/admit-routes.ts';
import { renderGatewayConfig } from '../../shared/gateway/render-gateway-config.ts';
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import {
  aiModel,
  FIXTURE_GATEWAY,
  FIXTURE_NAMESPACE,
  gatewayRoute,
} from '../../shared/gateway/testing/gateway-fixtures.ts';
import { routeSetArbitrary, type RouteSet } from '../../shared/gateway/testing/route-set-arbitrary.ts';
import { createCertificateAuthority } from '../../shared/tls/certificates.ts';
import { njsModulesDirectory } from '../../test/nginx/nginx-binary.ts';
import {
  createNginxWorkspace,
  removeNginxWorkspace,
  testNginxConfig,
  type NginxWorkspace,
} from '../../test/nginx/nginx-process.ts';

let workspace: NginxWorkspace;
let caFile: string;

beforeAll(async () => {
  workspace = await createNginxWorkspace();
  caFile = join(workspace.directory, 'ca.pem');
  await writeFile(
    caFile,
    createCertificateAuthority({ commonName: 'test CA', validForMs: 3_600_000 }).certPEM,
  );
}, 60_000);

function render(
  routes: APIGatewayRouteV1[],
  models: AIModelV1[],
  resolver: string,
  modulesDirectory: string,
) {
  return renderGatewayConfig({
    namespace: FIXTURE_NAMESPACE,
    gateway: FIXTURE_GATEWAY,
    routes,
    models,
    resolver,
    listenAddress: '127.0.0.1',
    runtimeDirectory: workspace.runtimeDirectory,
    accessLog: workspace.accessLog,
    errorLog: workspace.errorLog,
    modulesDirectory,
    trustedCertificatesFile: caFile,
  });
}

afterAll(async () => {
  if (workspace) await removeNginxWorkspace(workspace);
});

/** One route of every kind the renderer writes, with the values that need the most escaping. */
function everyFeature(): RouteSet {
  const service = { destinationService: 'svc', destinationPort: 8080 };
  return {
    routes: [
      gatewayRoute('root-exact', { path: '/', pathMatch: 'Exact', method: 'GET', ...service }),
      gatewayRoute('root-prefix', { path: '/', method: 'POST', ...service }),
      gatewayRoute('short-name', { path: '/a', ...service, destinationService: 'svc.other' }),
      gatewayRoute('dns-name', {
        path: '/a/b',
        method: 'PUT',
        ...service,
        destinationService: 'api.example.com',
      }),
      gatewayRoute('odd', {
        path: '/q%22%7B%7D%24',
        headers: [{ name: 'X-Odd', value: `a"b;c}{$x\\ 'q' # ~^|[]` }],
        hosts: ['*.example.com', 'api.example.com'],
        ...service,
      }),
      gatewayRoute('limited', {
        path: '/limited',
        rateLimit: 5,
        burst: 10,
        requestTimeoutSeconds: 3600,
        ...service,
      }),
      gatewayRoute('single', { path: '/single', rateLimit: 1, ...service }),
      gatewayRoute('keyed', {
        path: '/keyed',
        authenticationRequired: true,
        apiKeySecretRef: { name: 'keys' },
        ...service,
      }),
      gatewayRoute('locked', { path: '/locked', authenticationRequired: true, ...service }),
      gatewayRoute('hosted', { path: '/ai/hosted', aiModelRef: { name: 'hosted' } }),
      gatewayRoute('hosted-exact', { path: '/ai/exact', pathMatch: 'Exact', aiModelRef: { name: 'hosted' } }),
      gatewayRoute('hosted-root', { path: '/', method: 'DELETE', aiModelRef: { name: 'hosted' } }),
      gatewayRoute('plain', { path: '/ai/plain', aiModelRef: { name: 'plain' } }),
      gatewayRoute('served', { path: '/ai/served', aiModelRef: { name: 'served' } }),
      gatewayRoute('missing', { path: '/ai/missing', aiModelRef: { name: 'missing' } }),
    ],
    models: [
      aiModel('hosted', { endpoint: 'https://api.example.com:8443/v1/models/x:predict' }),
      aiModel('plain', { endpoint: 'http://[fd00::1]:8080' }),
      aiModel('served', { image: 'vllm/vllm-openai:v0.6.0' }),
    ],
  };
}

describe('rendered configurations under nginx -t', () => {
  it('accept a route of every kind at once, with IPv4 and IPv6 resolvers', async () => {
    const { routes, models } = everyFeature();
    expect(admitRoutes(routes, models).rejected).toEqual([]);
    for (const resolver of ['127.0.0.1:53', '[::1]:53']) {
      await testNginxConfig(workspace, render(routes, models, resolver, njsModulesDirectory()));
    }
  });

  it('are all accepted by nginx', async () => {
    const modulesDirectory = njsModulesDirectory();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(routeSetArbitrary({ adversarial: false }), routeSetArbitrary({ adversarial: true })),
        async ({ routes, models }) => {
          const admitted = admitRoutes(routes, models).admitted;
          await testNginxConfig(workspace, render(admitted, models, '127.0.0.1:53', modulesDirectory));
        },
      ),
      { numRuns: 200 },
    );
  }, 300_000);
});
