// Egress the operator would create, attacked through the real API server with the webhook running: model
// endpoints and route destinations at loopback, link-local and cloud metadata hosts, in every spelling a
// URL parser or resolver reads as one, through create, server-side apply and patch, in v1 and v1alpha1.
// Each is refused with a message naming the field, the host and the chart value that allows it, and
// nothing is stored; ordinary hosts, and a Service that merely shares a metadata short name, still work.
// A webhook started with --allow-local-egress (security.allowLocalEgress) admits them.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { kubectl } from '../setup/cluster-env.ts';
import { waitForAdmission } from './support/admission-ready.ts';
import { kubectlCapture } from './support/kubectl-capture.ts';
import { startWebhookUnderTest } from './support/webhook-under-test.ts';
import type { WebhookUnderTest } from './support/webhook-under-test.ts';

// Starting the webhook and waiting for the API server to trust it takes seconds, not milliseconds.
jest.setTimeout(180_000);

const suffix = randomBytes(3).toString('hex');
const namespace = `e2e-egress-${suffix}`;
const REFUSED = 'must not reach a loopback, link-local or cloud metadata host';
const ALLOWED =
  'any other host is allowed, and these only with the chart value security.allowLocalEgress (--allow-local-egress of the webhook and the controller)';

const json = (o: object) => JSON.stringify(o);

function model(name: string, endpoint: string): object {
  return {
    apiVersion: 'ai.example.com/v1',
    kind: 'AIModel',
    metadata: { name, namespace },
    spec: { modelName: name, modelProvider: 'Custom', modelType: 'LLM', endpoint },
  };
}

function alphaModel(name: string, endpoint: string): object {
  return {
    apiVersion: 'ai.example.com/v1alpha1',
    kind: 'AIModel',
    metadata: { name, namespace },
    spec: { modelName: name, modelProvider: 'openai', version: '1', endpoint },
  };
}

function route(name: string, destinationService: string): object {
  return {
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { name, namespace },
    spec: { path: `/${name}`, method: 'GET', destinationService, destinationPort: 8080 },
  };
}

function alphaRoute(name: string, targetService: string): object {
  return {
    apiVersion: 'gateway.example.com/v1alpha1',
    kind: 'APIGatewayRoute',
    metadata: { name, namespace },
    spec: { path: `/${name}`, targetService },
  };
}

async function exists(resource: string, name: string): Promise<boolean> {
  return (await kubectlCapture(['get', resource, name, '-n', namespace])).code === 0;
}

let webhook: WebhookUnderTest | undefined;

async function startWebhook(extraArgs: string[] = []): Promise<void> {
  webhook = await startWebhookUnderTest({
    namespace,
    configurationPrefix: `e2e-egress-${suffix}`,
    extraArgs,
  });
  await waitForAdmission(namespace);
}

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});

afterAll(async () => {
  await webhook?.stop();
  await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
});

describe('with local egress refused (the default)', () => {
  beforeAll(() => startWebhook());
  afterAll(async () => {
    await webhook?.stop();
    webhook = undefined;
  });

  it.each([
    ['loopback by name', 'http://localhost:8000/v1', 'the host "localhost" is a loopback address'],
    ['loopback in upper case with a trailing dot', 'http://LOCALHOST.:8000/v1', 'the host "localhost." is'],
    ['loopback in decimal', 'http://2130706433/v1', 'the host "127.0.0.1" is a loopback address'],
    ['loopback in octal', 'http://0177.0.0.1/v1', 'the host "127.0.0.1" is a loopback address'],
    ['loopback in short hex', 'http://0x7f.1/v1', 'the host "127.0.0.1" is a loopback address'],
    [
      'loopback inside IPv6',
      'http://[::ffff:127.0.0.1]/v1',
      'the host "::ffff:7f00:1" (read as 127.0.0.1) is a loopback address',
    ],
    ['the unspecified address', 'http://0.0.0.0:8000/', 'the host "0.0.0.0" is the unspecified address'],
    ['link-local IPv6', 'http://[fe80::1]:8000/', 'the host "fe80::1" is a link-local address'],
    [
      'the metadata address',
      'http://169.254.169.254/latest/meta-data/',
      'the host "169.254.169.254" is a cloud instance metadata service',
    ],
    [
      'a metadata name',
      'http://metadata.google.internal/computeMetadata/v1/',
      'the host "metadata.google.internal" is a cloud instance metadata service',
    ],
  ])('refuses a model endpoint at %s, on create and server-side apply', async (_what, endpoint, host) => {
    const name = `m-${randomBytes(3).toString('hex')}`;
    for (const args of [['create'], ['apply', '--server-side', '--field-manager=e2e-attacker']]) {
      const r = await kubectlCapture([...args, '-f', '-'], json(model(name, endpoint)));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        `spec.endpoint: Invalid value: ${JSON.stringify(endpoint)}: ${REFUSED}: ${host}`,
      );
      expect(r.stderr).toContain(ALLOWED);
    }
    expect(await exists('aimodels.v1.ai.example.com', name)).toBe(false);
  });

  it('refuses a v1alpha1 endpoint by the v1 endpoint it is stored as, naming the v1alpha1 field', async () => {
    const r = await kubectlCapture(['create', '-f', '-'], json(alphaModel('legacy', 'localhost:8080')));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `spec.endpoint: Invalid value: "http://localhost:8080": ${REFUSED}: the host "localhost" is a loopback address; ${ALLOWED} (in ai.example.com/v1 spec.endpoint)`,
    );
    expect(await exists('aimodels.v1.ai.example.com', 'legacy')).toBe(false);
  });

  it('refuses an endpoint patched onto a stored model', async () => {
    await kubectl(['create', '-f', '-'], { input: json(model('patched', 'https://api.openai.com/v1')) });
    const r = await kubectlCapture([
      'patch',
      'aimodels.v1.ai.example.com',
      'patched',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      json({ spec: { endpoint: 'http://169.254.169.254/latest/' } }),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`spec.endpoint: Invalid value: "http://169.254.169.254/latest/": ${REFUSED}`);
    const stored = JSON.parse(
      await kubectl(['get', 'aimodels.v1.ai.example.com', 'patched', '-n', namespace, '-o', 'json']),
    ) as { spec: { endpoint: string } };
    expect(stored.spec.endpoint).toBe('https://api.openai.com/v1');
  });

  it.each([
    ['a metadata name', 'metadata.google.internal', 'the host "metadata.google.internal" is a cloud'],
    ['another cloud metadata name', 'instance-data.ec2.internal', 'the host "instance-data.ec2.internal" is'],
    ['a localhost name', 'api.localhost', 'the host "api.localhost" is a loopback address'],
    ['loopback spelled as a name', '0x7f.1', 'the host "0x7f.1" (read as 127.0.0.1) is a loopback address'],
  ])('refuses a route destination at %s', async (_what, service, host) => {
    const name = `r-${randomBytes(3).toString('hex')}`;
    const r = await kubectlCapture(['create', '-f', '-'], json(route(name, service)));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `spec.destinationService: Invalid value: ${JSON.stringify(service)}: ${REFUSED}: ${host}`,
    );
    expect(await exists('apigatewayroutes.v1.gateway.example.com', name)).toBe(false);
  });

  it('refuses a v1alpha1 target Service at a metadata name, naming targetService', async () => {
    const r = await kubectlCapture(
      ['create', '-f', '-'],
      json(alphaRoute('legacy', 'metadata.google.internal:80')),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `spec.targetService: Invalid value: "metadata.google.internal": ${REFUSED}: the host "metadata.google.internal" is a cloud instance metadata service; ${ALLOWED} (in gateway.example.com/v1 spec.destinationService)`,
    );
  });

  it('admits ordinary endpoints and destinations, and a Service that only shares a metadata short name', async () => {
    const objects = [
      model('hosted', 'https://api.openai.com/v1'),
      model('private', 'http://10.0.0.5:8000/v1'),
      alphaModel('in-cluster', 'gemma.team-a.svc:8080'),
      route('to-metadata-service', 'metadata'),
      route('to-other-namespace', 'users.team-b.svc.cluster.local'),
      alphaRoute('legacy-ok', 'echo:5678'),
    ];
    for (const object of objects) {
      const r = await kubectlCapture(['create', '-f', '-'], json(object));
      // Only a deprecation warning, for v1alpha1, on standard error.
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('rror')]);
    }
  });
});

describe('with --allow-local-egress (security.allowLocalEgress: true)', () => {
  beforeAll(() => startWebhook(['--allow-local-egress=true']));

  it('admits loopback, link-local and metadata endpoints and destinations', async () => {
    const objects = [
      model('allowed-loopback', 'http://0x7f.1:8000/v1'),
      model('allowed-metadata', 'http://169.254.169.254/latest/'),
      alphaModel('allowed-legacy', 'localhost:8080'),
      route('allowed-metadata', 'metadata.google.internal'),
    ];
    for (const object of objects) {
      const r = await kubectlCapture(['create', '-f', '-'], json(object));
      // Only a deprecation warning, for v1alpha1, on standard error.
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('rror')]);
    }
  });
});
