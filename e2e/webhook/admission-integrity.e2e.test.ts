// Attacks on admission through the real API server, each shown to fail with a message naming what was
// refused: conversion annotations written by hand (through v1alpha1 create, edit, replace, patch, apply and
// server-side apply, and through v1), reference lookups used to learn about Secrets or other namespaces,
// and weak TLS. What users legitimately do in v1alpha1 (edit, replace, apply) keeps the v1-only fields.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { kubectl } from '../setup/cluster-env.ts';
import { waitForAdmission } from './support/admission-ready.ts';
import { kubectlCapture } from './support/kubectl-capture.ts';
import { startWebhookUnderTest } from './support/webhook-under-test.ts';
import type { WebhookUnderTest } from './support/webhook-under-test.ts';

// Starting the webhook and waiting for the API server to trust it takes seconds, not milliseconds.
jest.setTimeout(180_000);

const suffix = randomBytes(3).toString('hex');
const namespace = `e2e-integrity-${suffix}`;
const V1_FIELDS = 'ai.example.com/v1-fields';
const FORGED = JSON.stringify({ spec: { image: 'evil:latest', replicas: 100000 } });
const FORGED_REFUSAL = `metadata.annotations[${V1_FIELDS}]: Forbidden: written by the operator when it converts the object between versions`;
const ALPHA_MODELS = 'aimodels.v1alpha1.ai.example.com';
const V1_MODELS = 'aimodels.v1.ai.example.com';

let webhook: WebhookUnderTest | undefined;
let workDir: string;

interface Model {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

const json = (o: object) => JSON.stringify(o);

async function get(resource: string, name: string): Promise<Model> {
  return JSON.parse(await kubectl(['get', resource, name, '-n', namespace, '-o', 'json'])) as Model;
}

function alphaModel(
  name: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
): Model {
  return {
    apiVersion: 'ai.example.com/v1alpha1',
    kind: 'AIModel',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec: { modelName: name, modelProvider: 'HuggingFace', version: '1', endpoint: 'gemma:8080', ...spec },
  };
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'e2e-integrity-'));
  await kubectl(['create', 'namespace', namespace]);
  webhook = await startWebhookUnderTest({ namespace, configurationPrefix: `e2e-integrity-${suffix}` });
  await waitForAdmission(namespace);
});

afterAll(async () => {
  await webhook?.stop();
  await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  await rm(workDir, { recursive: true, force: true });
});

describe('v1 fields written by hand into a v1alpha1 AIModel', () => {
  it('are refused on create, by create and by server-side apply, naming the annotation; nothing is stored', async () => {
    const attack = json(alphaModel('forged', {}, { [V1_FIELDS]: FORGED }));
    for (const args of [['create'], ['apply', '--server-side', '--field-manager=e2e-attacker']]) {
      const r = await kubectlCapture([...args, '-f', '-'], attack);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        `metadata.annotations[${V1_FIELDS}]: Invalid value: 100000: must be between 0 and 100 (in ai.example.com/v1 spec.replicas)`,
      );
      expect(r.stderr).toContain(FORGED_REFUSAL);
    }
    // Within the v1 bounds the annotation is still not the writer's to set.
    const quiet = alphaModel('forged', {}, { [V1_FIELDS]: json({ spec: { image: 'evil:latest' } }) });
    const r = await kubectlCapture(['create', '-f', '-'], json(quiet));
    expect(r.stderr).toContain(FORGED_REFUSAL);
    expect((await kubectlCapture(['get', V1_MODELS, 'forged', '-n', namespace])).code).not.toBe(0);
  });
});

describe('a v1 AIModel edited through v1alpha1', () => {
  const name = 'kept';
  const servedFields = { image: 'registry.example.com/models/gemma:2b', replicas: 2 };

  beforeAll(async () => {
    await kubectl(['create', '-f', '-'], {
      input: json({
        apiVersion: 'ai.example.com/v1',
        kind: 'AIModel',
        metadata: { name, namespace },
        spec: {
          modelName: name,
          modelProvider: 'HuggingFace',
          modelType: 'LLM',
          modelVersion: '1',
          ...servedFields,
        },
      }),
    });
  });

  async function expectServedFieldsKept(modelVersion: string): Promise<void> {
    expect((await get(V1_MODELS, name)).spec).toMatchObject({ modelVersion, ...servedFields, port: 8080 });
  }

  it('keeps its v1-only fields through kubectl edit, replace, apply and server-side apply', async () => {
    const read = await get(ALPHA_MODELS, name);
    expect(read.metadata.annotations?.[V1_FIELDS]).toContain(servedFields.image);

    const editor = join(workDir, 'edit-version.sh');
    await writeFile(editor, `#!/bin/sh\nsed -i -E 's/^(  version: ).*/\\1"2"/' "$1"\n`);
    await chmod(editor, 0o755);
    await kubectl(['edit', `${ALPHA_MODELS}/${name}`, '-n', namespace], { env: { KUBE_EDITOR: editor } });
    await expectServedFieldsKept('2');

    const replaced = await get(ALPHA_MODELS, name);
    replaced.spec.version = '3';
    await kubectl(['replace', '-f', '-'], { input: json(replaced) });
    await expectServedFieldsKept('3');

    // A manifest as users keep it: no conversion annotations at all.
    const manifest = (version: string) => alphaModel(name, { version, endpoint: read.spec.endpoint });
    await kubectl(['apply', '-f', '-'], { input: json(manifest('4')) });
    await expectServedFieldsKept('4');
    await kubectl(
      ['apply', '--server-side', '--force-conflicts', '--field-manager=e2e-v1alpha1', '-f', '-'],
      {
        input: json(manifest('5')),
      },
    );
    await expectServedFieldsKept('5');
  });

  it('refuses a changed annotation, by replace, patch, apply and server-side apply', async () => {
    const read = await get(ALPHA_MODELS, name);
    const forged = { ...read, metadata: { ...read.metadata, annotations: { [V1_FIELDS]: FORGED } } };
    const attempts: [string[], string][] = [
      [['replace', '-f', '-'], json(forged)],
      [
        [
          'patch',
          ALPHA_MODELS,
          name,
          '-n',
          namespace,
          '--type=merge',
          '-p',
          json({ metadata: { annotations: { [V1_FIELDS]: json({ spec: { image: 'evil:latest' } }) } } }),
        ],
        '',
      ],
      [
        ['apply', '-f', '-'],
        json(alphaModel(name, { endpoint: read.spec.endpoint }, { [V1_FIELDS]: FORGED })),
      ],
      [
        ['apply', '--server-side', '--force-conflicts', '--field-manager=e2e-attacker', '-f', '-'],
        json(alphaModel(name, { endpoint: read.spec.endpoint }, { [V1_FIELDS]: FORGED })),
      ],
    ];
    for (const [args, input] of attempts) {
      const r = await kubectlCapture(args, input);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toContain(
        `${FORGED_REFUSAL}; it may only be sent back exactly as a read returned it, or left out`,
      );
    }
    await expectServedFieldsKept('5');
  });

  it('was judged as the client wrote it: the API server sent the request in v1alpha1', () => {
    const denied = (webhook?.logLines() ?? []).filter(
      (l) => l.message === 'admission decided' && l.name === name && l.decision === 'denied',
    );
    expect(denied.length).toBeGreaterThan(0);
    expect(new Set(denied.map((l) => l.kind))).toEqual(new Set(['ai.example.com/v1alpha1, Kind=AIModel']));
  });
});

describe('v1alpha1 fields written by hand into a v1 object', () => {
  const route = (annotations?: Record<string, string>) => ({
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { name: 'modern', namespace, ...(annotations ? { annotations } : {}) },
    spec: { path: '/modern', method: 'GET', destinationService: 'orders', destinationPort: 8080 },
  });
  const forged = { 'gateway.example.com/v1alpha1-fields': json({ spec: { targetService: '10.0.0.1:80' } }) };
  const refusal =
    'metadata.annotations[gateway.example.com/v1alpha1-fields]: Forbidden: written by the operator when it converts the object between versions';

  it('are refused on create and on update', async () => {
    const created = await kubectlCapture(['create', '-f', '-'], json(route(forged)));
    expect(created.code).not.toBe(0);
    expect(created.stderr).toContain(refusal);
    await kubectl(['create', '-f', '-'], { input: json(route()) });
    const patched = await kubectlCapture([
      'patch',
      'apigatewayroutes.v1.gateway.example.com',
      'modern',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      json({ metadata: { annotations: forged } }),
    ]);
    expect(patched.code).not.toBe(0);
    expect(patched.stderr).toContain(refusal);
  });
});

/** An AdmissionReview sent straight to the webhook, as anything that reaches its port could send one. */
function postReview(path: string, review: object): Promise<{ response: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(review);
    const req = request(
      {
        host: '127.0.0.1',
        port: webhook?.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        rejectUnauthorized: false,
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(JSON.parse(text) as { response: Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('reference lookups', () => {
  const route = (objectNamespace: string) => ({
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { name: 'probe-refs', namespace: objectNamespace },
    spec: {
      path: '/refs',
      method: 'GET',
      destinationService: 'no-such-service',
      destinationPort: 80,
      authenticationRequired: true,
      apiKeySecretRef: { name: 'no-such-secret' },
    },
  });

  it('never ask about Secrets unless configured to', async () => {
    const r = await kubectlCapture(['create', '--dry-run=server', '-f', '-'], json(route(namespace)));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Warning: spec.destinationService: Service "no-such-service" not found');
    expect(r.stderr).not.toContain('no-such-secret');
  });

  it('tell nothing about a namespace other than the one the review was made in', async () => {
    const review = (objectNamespace: string) => ({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: randomBytes(8).toString('hex'),
        kind: { group: 'gateway.example.com', version: 'v1', kind: 'APIGatewayRoute' },
        namespace,
        operation: 'CREATE',
        object: route(objectNamespace),
      },
    });
    const here = await postReview('/validate/apigatewayroutes', review(namespace));
    expect(here.response.warnings).toEqual([expect.stringContaining('"no-such-service" not found')]);
    const elsewhere = await postReview('/validate/apigatewayroutes', review('kube-system'));
    expect(elsewhere.response).toMatchObject({ allowed: true });
    expect(elsewhere.response.warnings).toBeUndefined();
  });
});

describe('TLS', () => {
  const handshake = (options: ConnectionOptions) =>
    new Promise<{ protocol: string | null; cipher: string }>((resolve, reject) => {
      const socket = tlsConnect(
        { host: '127.0.0.1', port: webhook?.port, rejectUnauthorized: false, ...options },
        () => {
          resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().standardName });
          socket.end();
        },
      );
      socket.on('error', reject);
    });

  it('prefers TLS 1.3 and refuses TLS 1.2 clients that offer no AEAD suite', async () => {
    expect((await handshake({})).protocol).toBe('TLSv1.3');
    expect((await handshake({ maxVersion: 'TLSv1.2' })).cipher).toMatch(
      /^TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256$/,
    );
    await expect(
      handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256:AES128-SHA:AES128-GCM-SHA256' }),
    ).rejects.toThrow(/handshake failure/);
  });
});
