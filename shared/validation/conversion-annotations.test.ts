import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { modelV1, modelV1alpha1, routeV1, routeV1alpha1 } from '../api/testing/arbitraries.ts';
import { convertObject } from '../conversion/convert.ts';
import { formatFieldError } from './field-error.ts';
import { validateCreate, validateUpdate } from './validate.ts';

const V1_FIELDS = 'ai.example.com/v1-fields';
const V1ALPHA1_FIELDS = 'ai.example.com/v1alpha1-fields';

const servedModel: KubeObject = {
  apiVersion: 'ai.example.com/v1',
  kind: 'AIModel',
  metadata: { name: 'm', namespace: 'default' },
  spec: {
    modelName: 'gemma',
    modelProvider: 'HuggingFace',
    modelType: 'LLM',
    endpoint: 'http://gemma.default.svc:8080',
    image: 'registry.example.com/gemma:2b',
    replicas: 2,
  },
};

/** The v1alpha1 object `kubectl get` returns for a stored v1 object. */
const readAsV1alpha1 = (o: KubeObject) => convertObject(o, 'ai.example.com/v1alpha1').object;

function annotated(o: KubeObject, annotations: Record<string, string | undefined>): KubeObject {
  const merged = { ...o.metadata.annotations, ...annotations };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return { ...o, metadata: { ...o.metadata, annotations: merged as Record<string, string> } };
}

function withSpec(o: KubeObject, spec: Record<string, unknown>): KubeObject {
  return { ...o, spec: { ...(o.spec as object), ...spec } };
}

const messages = (errors: Parameters<typeof formatFieldError>[0][]) => errors.map(formatFieldError);

describe('conversion annotations on create', () => {
  const alpha: KubeObject = {
    apiVersion: 'ai.example.com/v1alpha1',
    kind: 'AIModel',
    metadata: { name: 'm', namespace: 'default' },
    spec: { modelName: 'gemma', modelProvider: 'openai', version: '1', endpoint: 'gemma:8080' },
  };

  it('refuses v1 fields written by hand into a v1alpha1 object, and judges them as v1 too', () => {
    const attack = annotated(alpha, {
      [V1_FIELDS]: JSON.stringify({ spec: { replicas: 100000, image: 'evil:latest' } }),
    });
    expect(messages(validateCreate(attack).errors)).toEqual([
      'metadata.annotations[ai.example.com/v1-fields]: Invalid value: 100000: must be between 0 and 100 (in ai.example.com/v1 spec.replicas)',
      'metadata.annotations[ai.example.com/v1-fields]: Forbidden: written by the operator when it converts the object between versions; a new object may not carry it: leave it out, and write fields another version holds in that version',
    ]);
    // Within the v1 bounds it is still not the writer's to set.
    const quiet = annotated(alpha, { [V1_FIELDS]: JSON.stringify({ spec: { image: 'evil:latest' } }) });
    expect(validateCreate(quiet).errors.map((e) => e.field)).toEqual([`metadata.annotations[${V1_FIELDS}]`]);
  });

  it('refuses v1alpha1 fields and conversion warnings written by hand, in either version', () => {
    const v1 = annotated(servedModel, { [V1ALPHA1_FIELDS]: '{"spec":{"version":"x"}}' });
    expect(validateCreate(v1).errors.map((e) => e.field)).toEqual([
      `metadata.annotations[${V1ALPHA1_FIELDS}]`,
    ]);
    const warned = annotated(alpha, { 'ai.example.com/conversion-warnings': 'none' });
    expect(validateCreate(warned).errors.map((e) => e.field)).toEqual([
      'metadata.annotations[ai.example.com/conversion-warnings]',
    ]);
  });

  it('accepts an object without them, and a copy of what a read of a fresh object returns', () => {
    expect(validateCreate(alpha).errors).toEqual([]);
    expect(validateCreate(servedModel).errors).toEqual([]);
    const stored = convertObject(alpha, 'ai.example.com/v1').object;
    expect(validateCreate(readAsV1alpha1(stored)).errors).toEqual([]);
  });
});

describe('conversion annotations on update', () => {
  const read = readAsV1alpha1(servedModel);

  it('accepts them sent back as a read returned them, so v1-only fields survive a v1alpha1 edit', () => {
    expect(read.metadata.annotations?.[V1_FIELDS]).toContain('registry.example.com/gemma:2b');
    const edited = withSpec(read, { version: '2' });
    expect(validateUpdate(edited, read).errors).toEqual([]);
    expect(convertObject(edited, 'ai.example.com/v1').object.spec).toMatchObject({
      modelVersion: '2',
      image: 'registry.example.com/gemma:2b',
      replicas: 2,
    });
  });

  it('refuses a changed or added value, naming the annotation', () => {
    const tampered = annotated(read, {
      [V1_FIELDS]: JSON.stringify({ spec: { image: 'evil:latest', replicas: 2 } }),
    });
    expect(messages(validateUpdate(tampered, read).errors)).toEqual([
      'metadata.annotations[ai.example.com/v1-fields]: Forbidden: written by the operator when it converts the object between versions; it may only be sent back exactly as a read returned it, or left out',
    ]);
    const added = annotated(read, { [V1ALPHA1_FIELDS]: '{"spec":{"version":"x"}}' });
    expect(validateUpdate(added, read).errors.map((e) => e.field)).toEqual([
      `metadata.annotations[${V1ALPHA1_FIELDS}]`,
    ]);
  });

  it('accepts them left out: the object is then written as if new in its version', () => {
    expect(validateUpdate(annotated(read, { [V1_FIELDS]: undefined }), read).errors).toEqual([]);
  });

  it('refuses v1alpha1 fields injected into a v1 object, and keeps those conversion wrote', () => {
    const stored = convertObject(
      withSpec(read, { modelProvider: 'hugging face' }),
      'ai.example.com/v1',
    ).object;
    expect(stored.metadata.annotations?.[V1ALPHA1_FIELDS]).toBeDefined();
    expect(validateUpdate(withSpec(stored, { replicas: 3 }), stored).errors).toEqual([]);
    const injected = annotated(stored, { [V1ALPHA1_FIELDS]: '{"spec":{"modelProvider":"x"}}' });
    expect(validateUpdate(injected, stored).errors.map((e) => e.field)).toEqual([
      `metadata.annotations[${V1ALPHA1_FIELDS}]`,
    ]);
  });

  it.each([
    ['APIGatewayRoute v1', routeV1, 'gateway.example.com/v1alpha1'],
    ['APIGatewayRoute v1alpha1', routeV1alpha1, 'gateway.example.com/v1'],
    ['AIModel v1', modelV1, 'ai.example.com/v1alpha1'],
    ['AIModel v1alpha1', modelV1alpha1, 'ai.example.com/v1'],
  ])(
    'accepts what a read of any %s object in the other version returns, and no other value (property)',
    (_name, arbitrary, other) => {
      const annotationErrors = (object: KubeObject, old: KubeObject) =>
        validateUpdate(object, old).errors.filter((e) => e.field.startsWith('metadata.annotations'));
      fc.assert(
        fc.property(arbitrary, fc.string({ maxLength: 40 }), (object, forged) => {
          const stored = convertObject(object, object.apiVersion.replace(/[^/]+$/, 'v1')).object;
          // Each read converts the stored object afresh; the webhook sees one read as the old object.
          const read = () => convertObject(stored, other).object;
          expect(annotationErrors(read(), read())).toEqual([]);
          const group = other.split('/')[0] ?? '';
          const key = `${group}/${other.endsWith('v1') ? 'v1alpha1' : 'v1'}-fields`;
          const sent = read();
          fc.pre(forged !== sent.metadata.annotations?.[key]);
          expect(annotationErrors(annotated(sent, { [key]: forged }), read()).map((e) => e.field)).toEqual([
            `metadata.annotations[${key}]`,
          ]);
        }),
        { numRuns: 300 },
      );
    },
  );
});
