// Every configuration the renderer writes is one nginx accepts: `nginx -t` on hundreds of random route
// sets, schema-valid and attacker-written, with the models, rate limits and API keys they bring.
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { admitRoutes } from '../../shared/gateway/admit-routes.ts';
import { renderGatewayConfig } from '../../shared/gateway/render-gateway-config.ts';
import { FIXTURE_GATEWAY, FIXTURE_NAMESPACE } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { routeSetArbitrary } from '../../shared/gateway/testing/route-set-arbitrary.ts';
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
    createCertificateAuthority({ commonName: 'test CA', validForMs: 3_600_000 }).certPem,
  );
});

afterAll(async () => {
  if (workspace) await removeNginxWorkspace(workspace);
});

describe('rendered configurations under nginx -t', () => {
  it('are all accepted by nginx', async () => {
    const modulesDirectory = njsModulesDirectory();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(routeSetArbitrary({ adversarial: false }), routeSetArbitrary({ adversarial: true })),
        async ({ routes, models }) => {
          const rendered = renderGatewayConfig({
            namespace: FIXTURE_NAMESPACE,
            gateway: FIXTURE_GATEWAY,
            routes: admitRoutes(routes, models).admitted,
            models,
            resolver: '127.0.0.1:53',
            listenAddress: '127.0.0.1',
            runtimeDirectory: workspace.runtimeDirectory,
            accessLog: workspace.accessLog,
            errorLog: workspace.errorLog,
            modulesDirectory,
            trustedCertificatesFile: caFile,
          });
          await testNginxConfig(workspace, rendered);
        },
      ),
      { numRuns: 200 },
    );
  }, 300_000);
});
