import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadSeed, seedFiles } from '../../test/fixtures/seeds.ts';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { modelV1, modelV1alpha1, routeV1, routeV1alpha1 } from '../api/testing/arbitraries.ts';
import { convertObject } from '../conversion/convert.ts';
import { DEFAULT_ADMISSION_POLICY, type AdmissionPolicy } from './admission-policy.ts';
import { parseImagePrefix, type ImagePrefix } from './allowed-model-images.ts';
import { formatFieldError } from './field-error.ts';
import { validateCreate, validateUpdate } from './validate.ts';

const ALLOWED_WORDS =
  'any other host is allowed, and these only with the chart value security.allowLocalEgress (--allow-local-egress of the webhook and the controller)';
const LOCAL_EGRESS: AdmissionPolicy = { ...DEFAULT_ADMISSION_POLICY, allowLocalEgress: true };

const model = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'ai.example.com/v1',
  kind: 'AIModel',
  metadata: { name: 'm', namespace: 'team-a' },
  spec: { modelName: 'gemma', modelProvider: 'Custom', modelType: 'LLM', ...spec },
});
const alphaModel = (endpoint: string): KubeObject => ({
  apiVersion: 'ai.example.com/v1alpha1',
  kind: 'AIModel',
  metadata: { name: 'm', namespace: 'team-a' },
  spec: { modelName: 'gemma', modelProvider: 'openai', version: '1', endpoint },
});
const route = (destinationService: string): KubeObject => ({
  apiVersion: 'gateway.example.com/v1',
  kind: 'APIGatewayRoute',
  metadata: { name: 'r', namespace: 'team-a' },
  spec: { path: '/api', method: 'GET', destinationService, destinationPort: 8080 },
});
const alphaRoute = (targetService: string): KubeObject => ({
  apiVersion: 'gateway.example.com/v1alpha1',
  kind: 'APIGatewayRoute',
  metadata: { name: 'r', namespace: 'team-a' },
  spec: { path: '/api', targetService },
});

const messages = (object: KubeObject, policy?: AdmissionPolicy) =>
  validateCreate(object, policy).errors.map(formatFieldError);

const SAMPLES_DIR = new URL('../../samples/', import.meta.url).pathname;
/** The operator's own kinds in samples/, as `kubectl apply -f samples/` creates them. */
const samples = readdirSync(SAMPLES_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(SAMPLES_DIR, f), 'utf8'))
      .map((d) => d.toJS() as KubeObject)
      .filter((o) => /\.example\.com\//.test(o.apiVersion))
      .map((o): [string, KubeObject] => [`${f} ${o.kind}`, o]),
  );

describe('the seed examples and samples', () => {
  it.each([...seedFiles().map((f): [string, KubeObject] => [basename(f), loadSeed(f)]), ...samples])(
    '%s passes the default policy',
    (_name, object) => {
      expect(validateCreate(object).errors).toEqual([]);
    },
  );
});

describe('local egress at admission', () => {
  it.each([
    ['http://localhost:8000/v1', 'the host "localhost" is a loopback address'],
    ['http://LOCALHOST.:8000/v1', 'the host "localhost." is a loopback address'],
    ['http://2130706433/v1', 'the host "127.0.0.1" is a loopback address'],
    ['http://0177.0.0.1/v1', 'the host "127.0.0.1" is a loopback address'],
    ['http://0x7f.1/v1', 'the host "127.0.0.1" is a loopback address'],
    ['http://[::ffff:127.0.0.1]/v1', 'the host "::ffff:7f00:1" (read as 127.0.0.1) is a loopback address'],
    ['http://[::1]:8080/', 'the host "::1" is a loopback address'],
    ['http://0.0.0.0:8080/', 'the host "0.0.0.0" is the unspecified address, which reaches the local host'],
    [
      'http://169.254.169.254/latest/meta-data',
      'the host "169.254.169.254" is a cloud instance metadata service',
    ],
    ['http://[fe80::1]/', 'the host "fe80::1" is a link-local address'],
    ['http://metadata.google.internal/computeMetadata/v1', 'the host "metadata.google.internal" is a cloud'],
    ['http://metadata/computeMetadata/v1', 'the host "metadata" is a cloud instance metadata service'],
    ['http://instance-data.ec2.internal/latest', 'the host "instance-data.ec2.internal" is a cloud'],
  ])('refuses the model endpoint %s, naming the field, the host and what is allowed', (endpoint, host) => {
    expect(messages(model({ endpoint }))).toEqual([
      `spec.endpoint: Invalid value: ${JSON.stringify(endpoint)}: must not reach a loopback, link-local or cloud metadata host: ${host}${host.endsWith('cloud') ? ' instance metadata service' : ''}; ${ALLOWED_WORDS}`,
    ]);
    expect(messages(model({ endpoint }), LOCAL_EGRESS)).toEqual([]);
  });

  it('refuses a v1alpha1 endpoint by the v1 endpoint it is stored as, naming the v1alpha1 field', () => {
    expect(messages(alphaModel('localhost:8000'))).toEqual([
      // As for every v1 rule, the value shown is the v1 one, and the v1 field is named.
      `spec.endpoint: Invalid value: "http://localhost:8000": must not reach a loopback, link-local or cloud metadata host: the host "localhost" is a loopback address; ${ALLOWED_WORDS} (in ai.example.com/v1 spec.endpoint)`,
    ]);
    expect(messages(alphaModel('169.254.169.254:80'))).toHaveLength(1);
    expect(messages(alphaModel('localhost:8000'), LOCAL_EGRESS)).toEqual([]);
  });

  it('refuses route destinations at a metadata name, a localhost name or an IP spelled as a name', () => {
    for (const [service, host] of [
      [
        'metadata.google.internal',
        'the host "metadata.google.internal" is a cloud instance metadata service',
      ],
      ['localhost', 'the host "localhost" is a loopback address'],
      ['api.localhost', 'the host "api.localhost" is a loopback address'],
      ['0x7f.1', 'the host "0x7f.1" (read as 127.0.0.1) is a loopback address'],
    ] as const) {
      expect(messages(route(service))).toEqual([
        `spec.destinationService: Invalid value: ${JSON.stringify(service)}: must not reach a loopback, link-local or cloud metadata host: ${host}; ${ALLOWED_WORDS}`,
      ]);
      expect(messages(route(service), LOCAL_EGRESS)).toEqual([]);
    }
    expect(messages(alphaRoute('metadata.google.internal:80'))).toEqual([
      expect.stringMatching(
        /^spec\.targetService: Invalid value: "metadata\.google\.internal": must not reach .* \(in gateway\.example\.com\/v1 spec\.destinationService\)$/,
      ),
    ]);
  });

  it('keeps what worked: Services named like a metadata short name, private and public hosts', () => {
    expect(messages(route('metadata'))).toEqual([]);
    expect(messages(route('users.team-b.svc.cluster.local'))).toEqual([]);
    expect(messages(alphaRoute('instance-data:8080'))).toEqual([]);
    expect(messages(model({ endpoint: 'http://10.0.0.5:8000/v1' }))).toEqual([]);
    expect(messages(model({ endpoint: 'https://api.openai.com/v1' }))).toEqual([]);
    expect(messages(alphaModel('gemma.team-a.svc:8080'))).toEqual([]);
  });

  it('judges a changed spec on update, and leaves an unchanged one stored before the rule alone', () => {
    const stored = model({ endpoint: 'http://127.0.0.1:8000/' });
    const finalizersRemoved = { ...stored, metadata: { ...stored.metadata, finalizers: [] } };
    expect(validateUpdate(finalizersRemoved, stored).errors).toEqual([]);
    const edited = model({ endpoint: 'http://127.0.0.1:8000/', modelVersion: '2' });
    expect(validateUpdate(edited, stored).errors.map((e) => e.field)).toEqual(['spec.endpoint']);
    expect(validateUpdate(edited, stored, LOCAL_EGRESS).errors).toEqual([]);
  });

  it.each([
    ['APIGatewayRoute v1', routeV1],
    ['APIGatewayRoute v1alpha1', routeV1alpha1],
    ['AIModel v1', modelV1],
    ['AIModel v1alpha1', modelV1alpha1],
  ])('accepts every generated valid %s under the default policy', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (object) => {
        expect(validateCreate(object).errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('allowed model images at admission', () => {
  const allowedModelImages = ['registry.example.com/models/', 'ghcr.io/acme/']
    .map(parseImagePrefix)
    .filter((p): p is ImagePrefix => p !== undefined);
  const policy: AdmissionPolicy = { ...DEFAULT_ADMISSION_POLICY, allowedModelImages };
  const PREFIXES =
    'the allowed prefixes registry.example.com/models/, ghcr.io/acme/ (--allowed-model-images, chart value security.allowedModelImages)';

  it('refuses an image outside the prefixes, naming it, where it is pulled from and the prefixes', () => {
    expect(messages(model({ image: 'ghcr.io/acme-evil/llama:1' }), policy)).toEqual([
      `spec.image: Invalid value: "ghcr.io/acme-evil/llama:1": must be an image under one of ${PREFIXES}; it is pulled from ghcr.io/acme-evil/llama`,
    ]);
    expect(messages(model({ image: 'llama:3' }), policy)).toEqual([
      `spec.image: Invalid value: "llama:3": must be an image under one of ${PREFIXES}; it is pulled from docker.io/library/llama`,
    ]);
    expect(messages(model({ image: 'ghcr.io/acme/llama:3' }), policy)).toEqual([]);
    expect(messages(model({ image: 'ghcr.io/acme-evil/llama:1' }))).toEqual([]);
  });

  it('judges the image a v1alpha1 object carries for v1, naming the annotation', () => {
    const stored = model({ image: 'ghcr.io/acme/llama:3', endpoint: 'http://llama:8080' });
    const read = convertObject(stored, 'ai.example.com/v1alpha1').object;
    const annotations = { ...read.metadata.annotations };
    const v1Fields = 'ai.example.com/v1-fields';
    annotations[v1Fields] = (annotations[v1Fields] ?? '').replace('ghcr.io/acme/', 'evil.example/');
    const edited = {
      ...read,
      metadata: { ...read.metadata, annotations },
      spec: { ...(read.spec as object), version: '2' },
    };
    expect(validateUpdate(edited, read, policy).errors.map(formatFieldError)).toContainEqual(
      expect.stringMatching(
        /^metadata\.annotations\[ai\.example\.com\/v1-fields\]: Invalid value: "evil\.example\/llama:3": must be an image under one of .* \(in ai\.example\.com\/v1 spec\.image\)$/,
      ),
    );
  });
});
