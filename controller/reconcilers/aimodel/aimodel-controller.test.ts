import { afterEach, describe, expect, it } from '@jest/globals';
import type { AIModelV1 } from '../../../shared/api/aimodel/v1.ts';
import { FakeKubeAPI } from '../../../shared/kube/testing/fake-kube-api.ts';
import { CONFIG_MAPS, DEPLOYMENTS, SECRETS, SERVICES } from '../../../shared/kube/well-known-resources.ts';
import type { ConfigMap, Deployment, Service } from '../../children/kube-objects.ts';
import { findCondition } from '../../status/conditions.ts';
import { CHILD_CONFLICT_RETRY_MS } from '../child-conflicts.ts';
import { AI_MODELS } from '../custom-resources.ts';
import { SECRET_RECHECK_MS } from '../secret-marking.ts';
import { OperatorHarness } from '../testing/operator-harness.ts';
import { parseImagePrefix } from '../../../shared/validation/allowed-model-images.ts';
import { DEFAULT_ADMISSION_POLICY } from '../../../shared/validation/admission-policy.ts';
import type { AIModelSettings } from './aimodel-controller.ts';
import { addAIModelController } from './aimodel-controller.ts';

const REF = { namespace: 'ml', name: 'gemma' };
const CHILD = { namespace: 'ml', name: 'aim-gemma' };

function model(spec: Partial<AIModelV1['spec']> = {}): AIModelV1 {
  return {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { ...REF },
    spec: { modelName: 'gemma-2b', modelProvider: 'HuggingFace', modelType: 'LLM', image: 'img:1', ...spec },
  };
}

let harness: OperatorHarness;

async function start(...objects: AIModelV1[]): Promise<OperatorHarness> {
  return startWith({ policy: DEFAULT_ADMISSION_POLICY }, ...objects);
}

async function startWith(settings: AIModelSettings, ...objects: AIModelV1[]): Promise<OperatorHarness> {
  harness = new OperatorHarness();
  addAIModelController(harness.manager, harness.deps, settings);
  harness.api.seed(AI_MODELS, ...objects);
  harness.start();
  await harness.settle();
  return harness;
}

/** Plays the Deployment controller: the current generation is rolled out and available. */
async function rollOut(h: OperatorHarness): Promise<void> {
  const d = h.get<Deployment>(DEPLOYMENTS, CHILD);
  if (!d) throw new Error('no Deployment to roll out');
  const replicas = d.spec.replicas;
  await h.api.patch(DEPLOYMENTS, CHILD, 'merge', {
    status: {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: replicas,
      availableReplicas: replicas,
      readyReplicas: replicas,
    },
  });
  await h.settle();
}

const status = (h: OperatorHarness) => h.get<AIModelV1>(AI_MODELS, REF)?.status;
/** Writes of ConfigMaps, Services and Deployments since call number `from`. */
const childWrites = (h: OperatorHarness, from = 0) =>
  h.api.calls
    .slice(from)
    .filter((c) => c.verb !== 'get' && c.verb !== 'list' && c.verb !== 'watch')
    .filter((c) => /^(configmaps|services|deployments)\b/.test(c.resource));
/** Not Ready with InvalidSpec and `message`, told by a Warning Event in the same words. */
function expectInvalidSpec(h: OperatorHarness, message: string): void {
  expect(findCondition(status(h)?.conditions, 'Ready')).toMatchObject({
    status: 'False',
    reason: 'InvalidSpec',
    message,
  });
  expect(h.events).toContainEqual(
    expect.objectContaining({ type: 'Warning', reason: 'InvalidSpec', note: message }),
  );
}
const children = (h: OperatorHarness) => [
  h.get(CONFIG_MAPS, CHILD),
  h.get(SERVICES, CHILD),
  h.get(DEPLOYMENTS, CHILD),
];

/** A ConfigMap of the children's name that someone else made. */
const foreignConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { ...CHILD, labels: { team: 'payments' } },
  data: { owner: 'someone else' },
};

afterEach(async () => {
  await harness.stop();
});

describe('AIModel controller', () => {
  it('serves a model with a Deployment, Service and ConfigMap, and is Ready once the rollout is done', async () => {
    const h = await start(model());
    expect(h.get<ConfigMap>(CONFIG_MAPS, CHILD)).toBeDefined();
    expect(h.get<Service>(SERVICES, CHILD)?.spec.type).toBe('ClusterIP');
    expect(h.get<Deployment>(DEPLOYMENTS, CHILD)?.spec.template.spec.containers[0]?.image).toBe('img:1');
    expect(status(h)).toMatchObject({ phase: 'Initializing', observedGeneration: 1 });
    expect(findCondition(status(h)?.conditions, 'Ready')).toMatchObject({ status: 'False' });

    await rollOut(h);
    expect(status(h)).toMatchObject({ phase: 'Ready', modelEndpoint: 'http://aim-gemma.ml.svc' });
    expect(findCondition(status(h)?.conditions, 'Ready')).toMatchObject({
      status: 'True',
      reason: 'Available',
    });
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'Normal', reason: 'ChildrenUpdated' }));
  });

  it('writes nothing in a steady state: not on a relist, not after a restart', async () => {
    const h = await start(model());
    await rollOut(h);
    const before = h.api.calls.length;
    h.api.compact();
    h.api.breakWatches(new Error('connection reset'));
    await h.settle(5_000);
    await h.stop();
    harness = new OperatorHarness({ api: h.api, clock: h.clock });
    addAIModelController(harness.manager, harness.deps);
    harness.start();
    await harness.settle();
    expect(harness.manager.isLeader).toBe(true);
    const writes = h.api.calls.slice(before).filter((c) => !['list', 'watch', 'get'].includes(c.verb));
    expect(writes).toEqual([]);
  });

  it('restores a child deleted or edited by hand', async () => {
    const h = await start(model());
    await rollOut(h);
    await h.api.delete(SERVICES, CHILD);
    await h.api.patch(CONFIG_MAPS, CHILD, 'merge', { data: { 'model.json': '{}' } });
    await h.settle();
    expect(h.get<Service>(SERVICES, CHILD)?.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
    ]);
    expect(JSON.parse(h.get<ConfigMap>(CONFIG_MAPS, CHILD)?.data['model.json'] ?? '')).toMatchObject({
      modelName: 'gemma-2b',
    });
  });

  it('rolls the pods on a configuration change and reports Updating until done', async () => {
    const h = await start(model());
    await rollOut(h);
    const hashBefore = h.get<Deployment>(DEPLOYMENTS, CHILD)?.spec.template.metadata.annotations;
    await h.api.patch(AI_MODELS, REF, 'merge', { spec: { parameters: { temperature: 0.1 } } });
    await h.settle();
    expect(h.get<Deployment>(DEPLOYMENTS, CHILD)?.spec.template.metadata.annotations).not.toEqual(hashBefore);
    expect(status(h)).toMatchObject({ phase: 'Updating', observedGeneration: 2 });
    await rollOut(h);
    expect(status(h)).toMatchObject({ phase: 'Ready', observedGeneration: 2 });
  });

  it('moves a model outside the cluster: ExternalName Service, no Deployment', async () => {
    const h = await start(model());
    await rollOut(h);
    await h.api.patch(AI_MODELS, REF, 'merge', {
      spec: { image: null, endpoint: 'https://api.example.com/v1' },
    });
    await h.settle();
    expect(h.get(DEPLOYMENTS, CHILD)).toBeUndefined();
    expect(h.get<Service>(SERVICES, CHILD)?.spec).toMatchObject({
      type: 'ExternalName',
      externalName: 'api.example.com',
    });
    expect(status(h)).toMatchObject({ phase: 'Ready', modelEndpoint: 'https://aim-gemma.ml.svc/v1' });
  });

  it('knows a model at an IP address by that address and keeps no alias Service for it', async () => {
    const h = await start(model({ image: undefined, endpoint: 'https://api.example.com/v1' }));
    expect(h.get<Service>(SERVICES, CHILD)?.spec.type).toBe('ExternalName');
    await h.api.patch(AI_MODELS, REF, 'merge', { spec: { endpoint: 'http://10.1.2.3:8000' } });
    await h.settle();
    expect(h.get(SERVICES, CHILD)).toBeUndefined();
    expect(status(h)).toMatchObject({ phase: 'Ready', modelEndpoint: 'http://10.1.2.3:8000' });
  });

  it('reports an invalid spec once and does not retry it', async () => {
    const h = await start(model({ image: undefined, endpoint: 'ftp://models.example/gemma' }));
    expect(status(h)).toMatchObject({ phase: 'Error' });
    expect(status(h)?.reason).toContain('must be an http or https URL, not ftp');
    expect(findCondition(status(h)?.conditions, 'Ready')).toMatchObject({ reason: 'InvalidSpec' });
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'InvalidSpec' }));
    const before = h.api.calls.length;
    await h.settle(600_000);
    expect(h.api.calls.slice(before).filter((c) => c.verb !== 'watch' && c.verb !== 'list')).toEqual([]);
    expect(h.get(SERVICES, CHILD)).toBeUndefined();
  });

  it('makes nothing for a spec that fails validation, and says why', async () => {
    const h = await start(model({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }));
    expect(children(h)).toEqual([undefined, undefined, undefined]);
    expect(childWrites(h)).toEqual([]);
    const message =
      'spec.resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1';
    expect(status(h)).toMatchObject({ phase: 'Error', reason: message });
    expectInvalidSpec(h, message);
  });

  it('makes nothing for a model whose image the installation does not allow, in the words of the webhook', async () => {
    const allowedModelImages = [parseImagePrefix('ghcr.io/acme/')].flatMap((p) => (p ? [p] : []));
    const h = await startWith(
      { policy: { allowLocalEgress: false, allowedModelImages } },
      model({ image: 'ghcr.io/acme-evil/llama:1' }),
    );
    expect(children(h)).toEqual([undefined, undefined, undefined]);
    expect(childWrites(h)).toEqual([]);
    const message =
      'spec.image: Invalid value: "ghcr.io/acme-evil/llama:1": must be an image under one of the allowed prefixes ghcr.io/acme/ (--allowed-model-images, chart value security.allowedModelImages); it is pulled from ghcr.io/acme-evil/llama';
    expectInvalidSpec(h, message);

    await h.api.patch(AI_MODELS, REF, 'merge', { spec: { image: 'ghcr.io/acme/llama:1' } });
    await h.settle();
    expect(children(h).every((child) => child !== undefined)).toBe(true);
  });

  it('makes no Service alias a local host, unless local egress is allowed', async () => {
    const local = model({ image: undefined, endpoint: 'http://metadata.google.internal/v1' });
    const h = await start(local);
    expect(children(h)).toEqual([undefined, undefined, undefined]);
    expect(findCondition(status(h)?.conditions, 'Ready')).toMatchObject({
      reason: 'InvalidSpec',
      message: expect.stringContaining(
        'spec.endpoint: Invalid value: "http://metadata.google.internal/v1": must not reach a loopback, link-local or cloud metadata host',
      ),
    });
    await h.stop();
    const allowed = await startWith({ policy: { allowLocalEgress: true, allowedModelImages: [] } }, local);
    expect(allowed.get<Service>(SERVICES, CHILD)?.spec.externalName).toBe('metadata.google.internal');
  });

  it('leaves the children of a model whose spec turns invalid as they were', async () => {
    const h = await start(model());
    await rollOut(h);
    const before = children(h);
    const calls = h.api.calls.length;
    await h.api.patch(AI_MODELS, REF, 'merge', {
      spec: {
        image: 'img:2',
        env: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      },
    });
    await h.settle(600_000);
    expect(children(h)).toEqual(before);
    expect(childWrites(h, calls)).toEqual([]);
    expect(findCondition(status(h)?.conditions, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message: 'spec.env[1].name: Duplicate value: "A"',
    });
  });

  it("writes nothing while objects it did not make hold its children's names, then carries on", async () => {
    harness = new OperatorHarness();
    const h = harness;
    addAIModelController(h.manager, h.deps);
    // One the cache cannot see (no label), one it can (labelled as ours, but owned by no AIModel).
    h.api.seed(CONFIG_MAPS, foreignConfigMap);
    h.api.seed(SERVICES, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...CHILD, labels: { 'app.kubernetes.io/managed-by': 'ai-gateway-operator' } },
      spec: { type: 'ClusterIP', ports: [{ port: 9999 }] },
    });
    h.api.seed(AI_MODELS, model());
    h.start();
    await h.settle();

    expect(h.get(CONFIG_MAPS, CHILD)).toMatchObject({ data: { owner: 'someone else' } });
    expect(h.get<Service>(SERVICES, CHILD)?.spec.ports).toEqual([{ port: 9999 }]);
    expect(h.get(DEPLOYMENTS, CHILD)).toBeUndefined();
    expect(childWrites(h)).toEqual([]);
    const ready = findCondition(status(h)?.conditions, 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'ChildConflict' });
    expect(ready?.message).toBe(
      'ConfigMap aim-gemma exists without the label app.kubernetes.io/managed-by=ai-gateway-operator, ' +
        'the label ai-gateway-operator/aimodel=gemma and an owner reference to AIModel gemma; ' +
        'Service aim-gemma exists without the label ai-gateway-operator/aimodel=gemma and an owner ' +
        'reference to AIModel gemma. The operator does not take over objects it did not make: it writes ' +
        'nothing for AIModel gemma until those objects are deleted or renamed',
    );
    expect(status(h)?.phase).toBe('Error');
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'Warning', reason: 'ChildConflict', note: ready?.message }),
    );

    await h.api.delete(CONFIG_MAPS, CHILD);
    await h.api.delete(SERVICES, CHILD);
    await h.settle(CHILD_CONFLICT_RETRY_MS);
    expect(h.get<ConfigMap>(CONFIG_MAPS, CHILD)?.data['model.json']).toContain('gemma-2b');
    expect(h.get(DEPLOYMENTS, CHILD)).toBeDefined();
    expect(status(h)).toMatchObject({ phase: 'Initializing' });
  });

  it('reconciles only the namespaces it watches', async () => {
    harness = new OperatorHarness({ namespaces: ['ml', 'other'] });
    const h = harness;
    addAIModelController(h.manager, h.deps);
    const elsewhere = model();
    elsewhere.metadata.namespace = 'unwatched';
    h.api.seed(AI_MODELS, model(), elsewhere);
    h.start();
    await h.settle();
    expect(h.get(DEPLOYMENTS, CHILD)).toBeDefined();
    expect(h.get(DEPLOYMENTS, { namespace: 'unwatched', name: 'aim-gemma' })).toBeUndefined();
    expect(h.api.calls.filter((c) => c.verb === 'watch').map((c) => c.namespace)).not.toContain(undefined);
  });

  it('records a failed write in status and retries until it succeeds', async () => {
    harness = new OperatorHarness();
    const h = harness;
    addAIModelController(h.manager, h.deps);
    h.api.seed(AI_MODELS, model());
    h.api.failNext('apply', FakeKubeAPI.apiError('PATCH', 500, 'InternalError', 'etcd timeout'));
    h.start();
    await h.settle();
    expect(status(h)).toMatchObject({ phase: 'Error' });
    expect(findCondition(status(h)?.conditions, 'Ready')).toMatchObject({ reason: 'ReconcileFailed' });
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'ApplyFailed' }));
    await h.settle(1_000);
    expect(h.get(DEPLOYMENTS, CHILD)).toBeDefined();
    expect(status(h)).toMatchObject({ phase: 'Initializing' });
  });
  describe('with provider credentials', () => {
    const credentials = { secretKeyRef: { name: 'openai', key: 'api-key' } };
    const external = model({ image: undefined, endpoint: 'https://api.example.com/v1', credentials });
    const providerSecret = (fields: { type?: string; labels?: Record<string, string> } = {}) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'ml', name: 'openai', ...(fields.labels ? { labels: fields.labels } : {}) },
      type: fields.type ?? 'ai.example.com/provider-credentials',
      data: { 'api-key': Buffer.from('sk-secret-value').toString('base64') },
    });
    const ready = (h: OperatorHarness) => findCondition(status(h)?.conditions, 'Ready');

    it('applies the children of a model whose Secret is missing, is not Ready, and reads it again', async () => {
      const h = await start(external);
      expect(h.get<Service>(SERVICES, CHILD)?.spec.type).toBe('ExternalName');
      expect(ready(h)).toMatchObject({
        status: 'False',
        reason: 'CredentialsNotFound',
        message:
          'Secret openai not found in namespace ml; gateways answer requests for the model 503 until it exists with the key api-key',
      });
      expect(status(h)).toMatchObject({
        phase: 'Initializing',
        modelEndpoint: 'https://aim-gemma.ml.svc/v1',
      });
      expect(h.events.filter((e) => e.reason === 'CredentialsNotFound')).toHaveLength(1);

      // A recheck with nothing changed writes nothing and repeats no Event.
      const calls = h.api.calls.length;
      await h.settle(SECRET_RECHECK_MS);
      const reads = h.api.calls.slice(calls);
      expect(reads.filter((c) => c.verb === 'get' && c.resource.startsWith('secrets'))).toHaveLength(1);
      expect(reads.filter((c) => !['get', 'list', 'watch'].includes(c.verb))).toEqual([]);
      expect(h.events.filter((e) => e.reason === 'CredentialsNotFound')).toHaveLength(1);

      await h.api.create(SECRETS, providerSecret());
      await h.settle(SECRET_RECHECK_MS);
      expect(ready(h)).toMatchObject({ status: 'True', reason: 'ExternalEndpoint' });
      expect(status(h)?.phase).toBe('Ready');
    });

    it('refuses an unmarked Secret or a service-account token with a Warning, never naming a value', async () => {
      harness = new OperatorHarness();
      const h = harness;
      addAIModelController(h.manager, h.deps);
      h.api.seed(SECRETS, providerSecret({ type: 'Opaque' }));
      h.api.seed(AI_MODELS, model({ credentials }));
      h.start();
      await h.settle();
      expect(h.get(DEPLOYMENTS, CHILD)).toBeDefined();
      expect(ready(h)).toMatchObject({ status: 'False', reason: 'CredentialsRefused' });
      expect(ready(h)?.message).toContain('Secret openai is not marked to hold provider credentials');
      expect(h.events).toContainEqual(
        expect.objectContaining({ type: 'Warning', reason: 'CredentialsRefused', note: ready(h)?.message }),
      );
      expect(JSON.stringify([status(h), h.events])).not.toContain('sk-secret-value');

      await h.api.replace(SECRETS, {
        ...providerSecret({ labels: { 'ai.example.com/provider-credentials': 'true' } }),
        type: 'kubernetes.io/service-account-token',
      });
      await h.settle(SECRET_RECHECK_MS);
      expect(ready(h)?.message).toContain('Secret openai is a service-account token');
    });

    it('reports a key missing from a marked Secret, and a model without credentials reads no Secret', async () => {
      harness = new OperatorHarness();
      const h = harness;
      addAIModelController(h.manager, h.deps);
      h.api.seed(SECRETS, { ...providerSecret(), data: { other: Buffer.from('x').toString('base64') } });
      h.api.seed(AI_MODELS, external);
      h.start();
      await h.settle();
      expect(ready(h)).toMatchObject({
        reason: 'CredentialsNotFound',
        message: 'Secret openai has no key api-key; gateways answer requests for the model 503 until it has',
      });

      await h.api.patch(AI_MODELS, REF, 'merge', { spec: { credentials: null } });
      await h.settle();
      expect(ready(h)).toMatchObject({ status: 'True' });
      const calls = h.api.calls.length;
      await h.settle(10 * SECRET_RECHECK_MS);
      expect(h.api.calls.slice(calls).filter((c) => c.resource.startsWith('secrets'))).toEqual([]);
    });
  });
});
