// No takeover, on a real control plane: when an object someone else made already holds the name of a
// child (aim-<model>, agw-<gateway>), the controller writes nothing for that model or gateway, reports
// ChildConflict naming the object with an Event, and leaves the object exactly as it was. Once the
// object is gone, the controller carries on by itself.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import type { Condition } from '../../shared/kube/meta-v1-types.ts';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { CONFIG_MAPS, DEPLOYMENTS, SERVICES } from '../../shared/kube/well-known-resources.ts';
import type { ConfigMap, Service } from '../../controller/children/kube-objects.ts';
import { AI_MODELS, API_GATEWAY_ROUTES } from '../../controller/reconcilers/custom-resources.ts';
import { waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { eventsAbout } from './support/events.ts';
import { servedModel, serviceRoute } from './support/objects.ts';
import { deleteNamespace, getObject, prepareTestNamespace } from './support/operator-cluster.ts';

// Each step waits on a real control plane; recovery waits for the controller's 30 s second look.
jest.setTimeout(240_000);

let api: HTTPKubeAPI;
let namespace: string;
let controller: ControllerProcess;

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  return waitFor(check, { description: what, timeoutMs: 90_000, intervalMs: 250 });
}

async function childConflict(
  read: () => Promise<AIModelV1 | APIGatewayRouteV1 | undefined>,
): Promise<Condition> {
  return eventually('Ready=False with reason ChildConflict', async () => {
    const condition = (await read())?.status?.conditions?.find((c) => c.type === 'Ready');
    return condition?.reason === 'ChildConflict' ? condition : undefined;
  });
}

async function expectWarning(kind: string, name: string, note: string): Promise<void> {
  await eventually(`a ChildConflict Event on ${kind} ${name}`, async () =>
    (await eventsAbout(api, namespace, kind, name)).some(
      (e) => e.type === 'Warning' && e.reason === 'ChildConflict' && e.note === note,
    ),
  );
}

/** The object is as its maker left it: same version, no labels or owners of the operator's. */
function expectUntouched<T extends ConfigMap | Service>(now: T | undefined, before: T): void {
  expect(now?.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  expect(now?.metadata.ownerReferences).toBeUndefined();
  expect(now?.metadata.labels).toEqual(before.metadata.labels);
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-takeover'));
  controller = await ControllerProcess.start({
    name: 'no-takeover',
    args: [`--namespaces=${namespace}`, '--leader-elect=false', '--gateway-resolver=10.0.0.10'],
  });
});

afterAll(async () => {
  expect(await controller?.stop()).toBe(0);
  await deleteNamespace(api, namespace);
});

describe('objects of a child name made by someone else, on a real control plane', () => {
  it("does not take over a ConfigMap of a model's child name, and serves the model once it is gone", async () => {
    const ref = { namespace, name: 'aim-gemma' };
    const theirs = await api.create<ConfigMap>(CONFIG_MAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...ref, labels: { team: 'payments' } },
      data: { 'settings.json': '{"owner":"payments"}' },
    });
    await api.create(AI_MODELS, servedModel(namespace, 'gemma'));
    const model = () => getObject<AIModelV1>(api, AI_MODELS, { namespace, name: 'gemma' });

    const condition = await childConflict(model);
    const message =
      'ConfigMap aim-gemma exists without the label app.kubernetes.io/managed-by=ai-gateway-operator, ' +
      'the label ai-gateway-operator/aimodel=gemma and an owner reference to AIModel gemma. The operator ' +
      'does not take over objects it did not make: it writes nothing for AIModel gemma until that object ' +
      'is deleted or renamed';
    expect(condition).toMatchObject({ status: 'False', message });
    expect((await model())?.status?.phase).toBe('Error');
    await expectWarning('AIModel', 'gemma', message);
    const now = await getObject<ConfigMap>(api, CONFIG_MAPS, ref);
    expectUntouched(now, theirs);
    expect(now?.data).toEqual({ 'settings.json': '{"owner":"payments"}' });
    expect(await getObject(api, SERVICES, ref)).toBeUndefined();
    expect(await getObject(api, DEPLOYMENTS, ref)).toBeUndefined();

    await api.delete(CONFIG_MAPS, ref);
    await eventually('the model to be served after the ConfigMap is gone', async () => {
      const ours = await getObject<ConfigMap>(api, CONFIG_MAPS, ref);
      return ours?.data['model.json'] !== undefined && (await getObject(api, DEPLOYMENTS, ref)) !== undefined;
    });
    await eventually('the conflict to be cleared', async () => {
      const reason = (await model())?.status?.conditions?.find((c) => c.type === 'Ready')?.reason;
      return reason !== undefined && reason !== 'ChildConflict';
    });
  });

  it("does not take over a Service of a gateway's child name", async () => {
    const ref = { namespace, name: 'agw-default' };
    const theirs = await api.create<Service>(SERVICES, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...ref, labels: { team: 'payments' } },
      spec: { type: 'ClusterIP', ports: [{ name: 'web', port: 9999, protocol: 'TCP' }] },
    });
    await api.create(API_GATEWAY_ROUTES, serviceRoute(namespace, 'orders'));
    const route = () => getObject<APIGatewayRouteV1>(api, API_GATEWAY_ROUTES, { namespace, name: 'orders' });

    const condition = await childConflict(route);
    const message =
      'Service agw-default exists without the label app.kubernetes.io/managed-by=ai-gateway-operator, ' +
      'the label ai-gateway-operator/gateway=default and an owner reference to an APIGatewayRoute. The ' +
      'operator does not take over objects it did not make: it writes nothing for gateway default until ' +
      'that object is deleted or renamed';
    expect(condition).toMatchObject({ status: 'False', message });
    expect((await route())?.status?.state).toBe('Failed');
    await expectWarning('APIGatewayRoute', 'orders', message);
    const now = await getObject<Service>(api, SERVICES, ref);
    expectUntouched(now, theirs);
    expect(now?.spec.ports).toEqual(theirs.spec.ports);
    expect(await getObject(api, CONFIG_MAPS, ref)).toBeUndefined();
    expect(await getObject(api, DEPLOYMENTS, ref)).toBeUndefined();
  });
});
