// A route to a Service of another namespace on a real control plane: refused with RefNotPermitted while
// Gateway API's ReferenceGrant CRD is not installed (the controller runs and serves the other routes all
// the same), served once the CRD (v1.6.1, test/fixtures/gateway-api/) is installed and a grant in the
// Service's namespace permits routes of the route's namespace, and taken out of the gateway again when
// the grant is deleted. Grants for another Service or from another namespace do not count. The file
// removes the CRD first, so it does not depend on what ran before it, and leaves it installed.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { CONFIG_MAPS } from '../../shared/kube/well-known-resources.ts';
import type { ConfigMap } from '../../controller/children/kube-objects.ts';
import { API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { REFERENCE_GRANTS } from '../../controller/reconcilers/gateway/reference-grants.ts';
import type { ReferenceGrant } from '../../controller/reconcilers/gateway/reference-grants.ts';
import { kubectl, waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { eventsAbout } from './support/events.ts';
import { serviceRoute } from './support/objects.ts';
import {
  createNamespace,
  deleteNamespace,
  getObject,
  prepareTestNamespace,
} from './support/operator-cluster.ts';

// The controller looks for a CRD installed after it started every 30 s.
jest.setTimeout(240_000);

const CRD = 'referencegrants.gateway.networking.k8s.io';
const CRD_FILE = 'test/fixtures/gateway-api/referencegrants.gateway.networking.k8s.io.yaml';

let api: HTTPKubeAPI;
/** Where the routes are. */
let namespace: string;
/** Where the Services they reach are. */
let services: string;
let controller: ControllerProcess;

type Ready = { status: string; reason: string; message: string };

async function routeReady(name: string, matches: (ready: Ready) => boolean): Promise<Ready> {
  return waitFor(
    async () => {
      const route = await getObject<APIGatewayRouteV1>(api, API_GATEWAY_ROUTES, { namespace, name });
      const ready = route?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready && matches(ready) ? ready : undefined;
    },
    { description: `route ${name}'s Ready condition`, timeoutMs: 120_000, intervalMs: 250 },
  );
}

const gatewayConfig = async () =>
  (await getObject<ConfigMap>(api, CONFIG_MAPS, { namespace, name: 'agw-default' }))?.data['nginx.conf'] ??
  '';

function grant(name: string, from: string, service?: string): ReferenceGrant {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { namespace: services, name },
    spec: {
      from: [{ group: 'gateway.example.com', kind: 'APIGatewayRoute', namespace: from }],
      to: [{ group: '', kind: 'Service', ...(service === undefined ? {} : { name: service }) }],
    },
  };
}

const notPermitted = (service: string) =>
  `spec.destinationService "${service}.${services}" reaches Service ${service} in namespace ${services}, and no ReferenceGrant (gateway.networking.k8s.io/v1beta1) there permits APIGatewayRoutes from namespace ${namespace} to reach Service ${service}; the route is not served until one does`;

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-grants'));
  services = await createNamespace(api, 'ctl-grants-services');
  await kubectl(['delete', 'crd', CRD, '--ignore-not-found', '--wait=true', '--timeout=60s']);
  await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'local'));
  await api.create(
    API_GATEWAY_ROUTES,
    serviceRoute(namespace, 'billing', { destinationService: `billing.${services}`, destinationPort: 80 }),
  );
  controller = await ControllerProcess.start({
    name: 'reference-grants',
    args: [`--namespaces=${namespace},${services}`, '--leader-elect=false', '--gateway-resolver=10.0.0.10'],
  });
});

afterAll(async () => {
  expect(await controller?.stop()).toBe(0);
  await deleteNamespace(api, namespace);
  await deleteNamespace(api, services);
});

describe('routes to Services of another namespace', () => {
  it('are refused with RefNotPermitted where the ReferenceGrant CRD is not installed; the others are served', async () => {
    await kubectl(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'agr/local']);
    const refused = await routeReady('billing', (r) => r.reason === 'RefNotPermitted');
    expect(refused).toMatchObject({ status: 'False', message: notPermitted('billing') });
    const config = await gatewayConfig();
    expect(config).toContain('"/local"');
    expect(config).not.toContain(`billing.${services}`);
    const events = await waitFor(
      async () => {
        const found = await eventsAbout(api, namespace, 'APIGatewayRoute', 'billing');
        return found.find((e) => e.reason === 'RefNotPermitted');
      },
      { description: 'the RefNotPermitted Event', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(events).toMatchObject({ type: 'Warning', note: notPermitted('billing') });
  });

  it('are served once the CRD is installed and a grant in the Service namespace permits them', async () => {
    await kubectl(['apply', '--server-side', '-f', CRD_FILE]);
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', `crd/${CRD}`]);
    await api.create(REFERENCE_GRANTS, grant('routes-to-billing', namespace, 'billing'));
    await routeReady('billing', (r) => r.status === 'True');
    expect(await gatewayConfig()).toContain(`billing.${services}.svc.cluster.local`);
  });

  it('are taken out when the grant goes, and not served by grants for another Service or namespace', async () => {
    await api.delete(REFERENCE_GRANTS, { namespace: services, name: 'routes-to-billing' });
    const revoked = await routeReady('billing', (r) => r.reason === 'RefNotPermitted');
    expect(revoked.message).toBe(notPermitted('billing'));
    await waitFor(async () => !(await gatewayConfig()).includes(`billing.${services}`), {
      description: 'the gateway configuration to lose the route',
      timeoutMs: 60_000,
    });

    await api.create(REFERENCE_GRANTS, grant('routes-to-ledger-only', namespace, 'ledger'));
    await api.create(REFERENCE_GRANTS, grant('routes-of-another-namespace', `${namespace}-other`));
    // A second route, permitted by the first grant: once it is served, the controller has seen both grants
    // (a watch delivers them in order), so the first route's refusal is their answer, not a delay.
    await api.create(
      API_GATEWAY_ROUTES,
      serviceRoute(namespace, 'ledger', {
        destinationService: `ledger.${services}.svc`,
        destinationPort: 80,
      }),
    );
    await routeReady('ledger', (r) => r.status === 'True');
    expect(await routeReady('billing', () => true)).toMatchObject({
      reason: 'RefNotPermitted',
      message: notPermitted('billing'),
    });
    const config = await gatewayConfig();
    expect(config).toContain(`ledger.${services}.svc.cluster.local`);
    expect(config).not.toContain(`billing.${services}`);
  });
});
