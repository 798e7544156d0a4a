// AIModels reconciled by the controller process on a real control plane: children created, changed,
// repaired after hand edits and garbage-collected; status that `kubectl wait` understands.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { AIModelV1 } from '../../shared/api/aimodel/v1.ts';
import type { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { CONFIG_MAPS, DEPLOYMENTS, SERVICES } from '../../shared/kube/well-known-resources.ts';
import type { ConfigMap, Deployment, Service } from '../../controller/children/kube-objects.ts';
import { CONFIG_HASH_ANNOTATION } from '../../controller/children/labels.ts';
import { AI_MODELS } from '../../controller/reconcilers/custom-resources.ts';
import { kubectl, waitFor } from '../setup/cluster-env.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { servedModel } from './support/objects.ts';
import { deleteNamespace, getObject, prepareTestNamespace } from './support/operator-cluster.ts';

// Each step waits on a real control plane (rollouts, garbage collection, a Lease expiring).
jest.setTimeout(240_000);

let api: HTTPKubeAPI;
let namespace: string;
let controller: ControllerProcess;

const child = (name: string) => ({ namespace, name: `aim-${name}` });

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  return waitFor(check, { description: what, timeoutMs: 60_000, intervalMs: 250 });
}

beforeAll(async () => {
  ({ api, namespace } = await prepareTestNamespace('ctl-aimodel'));
  controller = await ControllerProcess.start({
    name: 'aimodel',
    args: [`--namespaces=${namespace}`, '--leader-elect=false', '--gateway-resolver=127.0.0.1'],
  });
});

afterAll(async () => {
  expect(await controller?.stop()).toBe(0);
  await deleteNamespace(api, namespace);
});

describe('AIModel controller on a real control plane', () => {
  it('serves a model: Deployment, Service, ConfigMap; Ready once the pods are', async () => {
    await api.create(AI_MODELS, servedModel(namespace, 'gemma'));
    await kubectl(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=90s', 'aimodel/gemma']);
    const model = await getObject<AIModelV1>(api, AI_MODELS, { namespace, name: 'gemma' });
    expect(model?.status).toMatchObject({
      phase: 'Ready',
      observedGeneration: 1,
      modelEndpoint: `http://aim-gemma.${namespace}.svc`,
    });
    const deployment = await getObject<Deployment>(api, DEPLOYMENTS, child('gemma'));
    expect(deployment?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'AIModel', name: 'gemma', uid: model?.metadata.uid, controller: true }),
    ]);
    expect(deployment?.spec.template.spec.containers[0]?.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
    });
    expect((await getObject<Service>(api, SERVICES, child('gemma')))?.spec.ports?.[0]).toMatchObject({
      port: 80,
    });
    expect(
      JSON.parse((await getObject<ConfigMap>(api, CONFIG_MAPS, child('gemma')))?.data['model.json'] ?? ''),
    ).toMatchObject({
      modelName: 'gemma-model',
      parameters: { temperature: 0.7 },
    });
  });

  it('rolls the pods when the configuration changes', async () => {
    const before = (await getObject<Deployment>(api, DEPLOYMENTS, child('gemma')))?.spec.template.metadata
      .annotations?.[CONFIG_HASH_ANNOTATION];
    await api.patch(AI_MODELS, { namespace, name: 'gemma' }, 'merge', {
      spec: { parameters: { temperature: 0.1 } },
    });
    await eventually('the Deployment to carry the new configuration hash', async () => {
      const d = await getObject<Deployment>(api, DEPLOYMENTS, child('gemma'));
      return d?.spec.template.metadata.annotations?.[CONFIG_HASH_ANNOTATION] !== before;
    });
    await eventually('the model to be Ready at generation 2', async () => {
      const m = await getObject<AIModelV1>(api, AI_MODELS, { namespace, name: 'gemma' });
      return m?.status?.observedGeneration === 2 && m.status.phase === 'Ready';
    });
  });

  it('repairs children deleted or edited by hand', async () => {
    const uid = (await getObject<Service>(api, SERVICES, child('gemma')))?.metadata.uid;
    await api.delete(SERVICES, child('gemma'));
    await api.patch(CONFIG_MAPS, child('gemma'), 'merge', { data: { 'model.json': '{}' } });
    await api.patch(DEPLOYMENTS, child('gemma'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'model', image: 'someone-else/image:2' }] } } },
    });
    await eventually('the Service to be recreated', async () => {
      const s = await getObject<Service>(api, SERVICES, child('gemma'));
      return s !== undefined && s.metadata.uid !== uid;
    });
    await eventually('the configuration to be restored', async () => {
      const cm = await getObject<ConfigMap>(api, CONFIG_MAPS, child('gemma'));
      return cm?.data['model.json']?.includes('gemma-model');
    });
    await eventually('the image to be restored', async () => {
      const d = await getObject<Deployment>(api, DEPLOYMENTS, child('gemma'));
      return d?.spec.template.spec.containers[0]?.image === 'registry.example/model-server:1';
    });
  });

  it('moves a model outside the cluster: ExternalName Service, Deployment removed', async () => {
    await api.patch(AI_MODELS, { namespace, name: 'gemma' }, 'merge', {
      spec: {
        image: null,
        replicas: null,
        port: null,
        resources: null,
        endpoint: 'https://api.example.com/gemma/v1',
      },
    });
    await eventually(
      'the Deployment to be deleted',
      async () => !(await getObject(api, DEPLOYMENTS, child('gemma'))),
    );
    const service = await eventually('the Service to become an ExternalName', async () => {
      const s = await getObject<Service>(api, SERVICES, child('gemma'));
      return s?.spec.type === 'ExternalName' ? s : undefined;
    });
    expect(service.spec.externalName).toBe('api.example.com');
    await eventually('the model endpoint to be the alias', async () => {
      const m = await getObject<AIModelV1>(api, AI_MODELS, { namespace, name: 'gemma' });
      return (
        m?.status?.modelEndpoint === `https://aim-gemma.${namespace}.svc/gemma/v1` &&
        m.status.phase === 'Ready'
      );
    });
  });

  it('reports an invalid spec and records a Warning Event', async () => {
    await api.create(
      AI_MODELS,
      servedModel(namespace, 'broken', { image: undefined, endpoint: 'ftp://models.example/x' }),
    );
    const model = await eventually('the invalid model to report Error', async () => {
      const m = await getObject<AIModelV1>(api, AI_MODELS, { namespace, name: 'broken' });
      return m?.status?.phase === 'Error' ? m : undefined;
    });
    expect(model.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
    });
    const events = await eventually('a Warning Event on the model', async () => {
      const out = await kubectl(['get', 'events.events.k8s.io', '-n', namespace, '-o', 'json']);
      const items = (JSON.parse(out) as { items: { reason: string; regarding: { name: string } }[] }).items;
      return items.some((e) => e.reason === 'InvalidSpec' && e.regarding.name === 'broken')
        ? items
        : undefined;
    });
    expect(events.length).toBeGreaterThan(0);
  });

  it('leaves the children to the garbage collector when the model is deleted', async () => {
    await api.delete(AI_MODELS, { namespace, name: 'gemma' });
    await eventually('the children to be garbage-collected', async () => {
      const left = await Promise.all([
        getObject(api, SERVICES, child('gemma')),
        getObject(api, CONFIG_MAPS, child('gemma')),
      ]);
      return left.every((o) => o === undefined);
    });
  });
});
