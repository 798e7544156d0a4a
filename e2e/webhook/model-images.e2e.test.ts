// Images an AIModel may run, attacked through the real API server with the webhook running with
// --allowed-model-images (security.allowedModelImages): a repository that only starts like an allowed
// prefix, a path that climbs out of it, an image without a registry, and an allowed image changed by patch
// or smuggled in through v1alpha1. Each is refused with a message naming the image, where it is pulled
// from and the allowed prefixes; images under a prefix are admitted.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { kubectl } from '../setup/cluster-env.ts';
import { waitForAdmission } from './support/admission-ready.ts';
import { kubectlCapture } from './support/kubectl-capture.ts';
import { startWebhookUnderTest } from './support/webhook-under-test.ts';
import type { WebhookUnderTest } from './support/webhook-under-test.ts';

jest.setTimeout(180_000);

const suffix = randomBytes(3).toString('hex');
const namespace = `e2e-images-${suffix}`;
const PREFIXES =
  'the allowed prefixes registry.example.com/models/, ghcr.io/acme/ (--allowed-model-images, chart value security.allowedModelImages)';
const V1_MODELS = 'aimodels.v1.ai.example.com';

let webhook: WebhookUnderTest | undefined;

const json = (o: object) => JSON.stringify(o);

function model(name: string, image: string): object {
  return {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { name, namespace },
    spec: { modelName: name, modelProvider: 'HuggingFace', modelType: 'LLM', image },
  };
}

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  webhook = await startWebhookUnderTest({
    namespace,
    configurationPrefix: `e2e-images-${suffix}`,
    extraArgs: ['--allowed-model-images=registry.example.com/models/,ghcr.io/acme/'],
  });
  await waitForAdmission(namespace);
});

afterAll(async () => {
  await webhook?.stop();
  await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
});

describe('an AIModel image outside --allowed-model-images', () => {
  it.each([
    ['a repository that only starts like a prefix', 'ghcr.io/acme-evil/llama:1', 'ghcr.io/acme-evil/llama'],
    [
      'a registry that only starts like one',
      'ghcr.io.evil.example/acme/llama:1',
      'ghcr.io.evil.example/acme/llama',
    ],
    ['an image without a registry', 'llama:3', 'docker.io/library/llama'],
    ['a Docker Hub user named like the prefix', 'acme/llama:3', 'docker.io/acme/llama'],
  ])('is refused: %s', async (_what, image, pulledFrom) => {
    const name = `m-${randomBytes(3).toString('hex')}`;
    for (const args of [['create'], ['apply', '--server-side', '--field-manager=e2e-attacker']]) {
      const r = await kubectlCapture([...args, '-f', '-'], json(model(name, image)));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        `spec.image: Invalid value: ${JSON.stringify(image)}: must be an image under one of ${PREFIXES}; it is pulled from ${pulledFrom}`,
      );
    }
    expect((await kubectlCapture(['get', V1_MODELS, name, '-n', namespace])).code).not.toBe(0);
  });

  it('is refused when its path climbs out of a prefix, as no image reference at all', async () => {
    const r = await kubectlCapture(
      ['create', '-f', '-'],
      json(model('climber', 'ghcr.io/acme/../evil/llama:1')),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `spec.image: Invalid value: "ghcr.io/acme/../evil/llama:1": must be an image reference: [registry[:port]/]path[:tag][@digest], e.g. registry.example.com/models/llama:3, under one of ${PREFIXES}`,
    );
  });

  it('is refused when patched onto a model that runs an allowed one, which keeps it', async () => {
    await kubectl(['create', '-f', '-'], { input: json(model('patched', 'ghcr.io/acme/llama:3')) });
    const r = await kubectlCapture([
      'patch',
      V1_MODELS,
      'patched',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      json({ spec: { image: 'ghcr.io/acme-evil/llama:3' } }),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'spec.image: Invalid value: "ghcr.io/acme-evil/llama:3": must be an image under one of',
    );
    const stored = JSON.parse(
      await kubectl(['get', V1_MODELS, 'patched', '-n', namespace, '-o', 'json']),
    ) as {
      spec: { image: string };
    };
    expect(stored.spec.image).toBe('ghcr.io/acme/llama:3');
  });

  it('is refused when carried into a v1alpha1 edit of the v1-only fields, naming the annotation', async () => {
    await kubectl(['create', '-f', '-'], {
      input: json(model('legacy', 'registry.example.com/models/llama:3')),
    });
    const read = JSON.parse(
      await kubectl(['get', 'aimodels.v1alpha1.ai.example.com', 'legacy', '-n', namespace, '-o', 'json']),
    ) as { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> };
    const key = 'ai.example.com/v1-fields';
    read.metadata.annotations[key] = (read.metadata.annotations[key] ?? '').replace(
      'registry.example.com/models/',
      'evil.example/',
    );
    read.spec.version = '2';
    const r = await kubectlCapture(['replace', '-f', '-'], json(read));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `metadata.annotations[${key}]: Invalid value: "evil.example/llama:3": must be an image under one of ${PREFIXES}; it is pulled from evil.example/llama (in ai.example.com/v1 spec.image)`,
    );
    // The annotation is the operator's besides: a changed value is refused whatever it holds.
    expect(r.stderr).toContain(`metadata.annotations[${key}]: Forbidden: written by the operator`);
  });
});

describe('an AIModel image under --allowed-model-images', () => {
  it('is admitted, with a tag or a digest, below either prefix', async () => {
    for (const [name, image] of [
      ['tagged', 'registry.example.com/models/llama:3'],
      ['nested', 'registry.example.com/models/team-a/llama:3'],
      ['digest', `ghcr.io/acme/llama@sha256:${'a'.repeat(64)}`],
    ] as const) {
      const r = await kubectlCapture(['create', '-f', '-'], json(model(name, image)));
      // Only a deprecation warning, for v1alpha1, on standard error.
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('rror')]);
    }
  });
});
