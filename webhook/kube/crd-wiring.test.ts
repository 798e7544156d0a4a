import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { FakeKubeAPI } from '../../shared/kube/testing/fake-kube-api.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { FakeClock } from '../../shared/time/testing/fake-clock.ts';
import { CRDWiring } from './crd-wiring.ts';
import { CUSTOM_RESOURCE_DEFINITIONS } from './webhook-resources.ts';

type CRDSpec = { conversion: { webhook: { clientConfig: unknown } } };

const SHIPPED_SERVICE = {
  name: 'ai-gateway-operator-webhook',
  namespace: 'ai-gateway-operator',
  path: '/convert',
  port: 443,
};
const SERVICE = { namespace: 'platform', name: 'gw-webhook' };
const INJECT_CA_FROM = 'platform/gw-webhook';

function crd(name: string, clientConfig: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name, annotations: { 'example.com/keep': 'yes' } },
    spec: {
      conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig } },
    },
  };
}

function stored(api: FakeKubeAPI, name: string) {
  const object = api.peek<KubeObject>(CUSTOM_RESOURCE_DEFINITIONS, { name });
  return {
    annotations: object?.metadata.annotations,
    clientConfig: (object?.spec as CRDSpec).conversion.webhook.clientConfig,
  };
}

function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: unknown }[] } {
  const lines: { level: string; message: string; fields?: unknown }[] = [];
  const logger = {
    lines,
    error: (message: string, fields?: unknown) => void lines.push({ level: 'error', message, fields }),
    warn: (message: string, fields?: unknown) => void lines.push({ level: 'warn', message, fields }),
    info: (message: string, fields?: unknown) => void lines.push({ level: 'info', message, fields }),
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

describe('CRD wiring', () => {
  it('points Service-based conversions at the webhook Service, leaves URLs alone and asks cert-manager for the CA', async () => {
    const api = new FakeKubeAPI();
    api.seed(CUSTOM_RESOURCE_DEFINITIONS, crd('a.example.com', { service: SHIPPED_SERVICE }));
    api.seed(CUSTOM_RESOURCE_DEFINITIONS, crd('b.example.com', { url: 'https://127.0.0.1:9443/convert' }));
    const wiring = new CRDWiring({
      api,
      crds: ['a.example.com', 'b.example.com'],
      service: SERVICE,
      injectCAFrom: INJECT_CA_FROM,
      logger: silentLogger,
    });
    await wiring.wire();
    const annotations = { 'example.com/keep': 'yes', 'cert-manager.io/inject-ca-from': INJECT_CA_FROM };
    expect(stored(api, 'a.example.com')).toEqual({
      annotations,
      clientConfig: { service: { ...SHIPPED_SERVICE, ...SERVICE } },
    });
    expect(stored(api, 'b.example.com')).toEqual({
      annotations,
      clientConfig: { url: 'https://127.0.0.1:9443/convert' },
    });
    const writes = api.writeCount();
    await wiring.wire();
    expect(api.writeCount()).toBe(writes);
  });

  it('without a Certificate only repoints, and writes nothing when the Service already matches', async () => {
    const api = new FakeKubeAPI();
    api.seed(CUSTOM_RESOURCE_DEFINITIONS, crd('a.example.com', { service: SHIPPED_SERVICE }));
    const wiring = new CRDWiring({
      api,
      crds: ['a.example.com'],
      service: { namespace: SHIPPED_SERVICE.namespace, name: SHIPPED_SERVICE.name },
      logger: silentLogger,
    });
    await wiring.wire();
    expect(api.writeCount()).toBe(0);
    expect(stored(api, 'a.example.com').annotations).toEqual({ 'example.com/keep': 'yes' });
  });

  it('re-reads and retries when its write conflicts with another', async () => {
    const api = new FakeKubeAPI();
    api.seed(CUSTOM_RESOURCE_DEFINITIONS, crd('a.example.com', { service: SHIPPED_SERVICE }));
    api.failNext('replace', FakeKubeAPI.apiError('PUT', 409, 'Conflict'));
    await new CRDWiring({ api, crds: ['a.example.com'], service: SERVICE, logger: silentLogger }).wire();
    expect(stored(api, 'a.example.com').clientConfig).toEqual({
      service: { ...SHIPPED_SERVICE, ...SERVICE },
    });
    expect(api.writeCount()).toBe(2);
  });

  it.each([
    ['is missing', undefined, 'wiring the conversion of CustomResourceDefinition a.example.com: not found'],
    [
      'does not convert through a webhook',
      { strategy: 'None' },
      'wiring the conversion of CustomResourceDefinition a.example.com: its spec.conversion.strategy is not Webhook',
    ],
  ])('fails naming a CRD that %s', async (_, conversion, message) => {
    const api = new FakeKubeAPI();
    if (conversion) {
      api.seed(CUSTOM_RESOURCE_DEFINITIONS, {
        ...crd('a.example.com', {}),
        spec: { conversion },
      });
    }
    const wiring = new CRDWiring({ api, crds: ['a.example.com'], service: SERVICE, logger: silentLogger });
    await expect(wiring.wire()).rejects.toMatchObject({
      name: 'CRDWiringError',
      target: 'CustomResourceDefinition a.example.com',
      message,
    });
  });

  it('in the background, logs a failure and retries with backoff until it succeeds', async () => {
    const api = new FakeKubeAPI();
    api.seed(CUSTOM_RESOURCE_DEFINITIONS, crd('a.example.com', { service: SHIPPED_SERVICE }));
    const forbidden = FakeKubeAPI.apiError('GET', 403, 'Forbidden', 'customresourcedefinitions is forbidden');
    api.failNext('get', forbidden);
    api.failNext('get', forbidden);
    const logger = recordingLogger();
    const clock = new FakeClock(0);
    const wiring = new CRDWiring({
      api,
      crds: ['a.example.com'],
      service: SERVICE,
      injectCAFrom: INJECT_CA_FROM,
      logger,
      retryBaseMs: 5,
      clock,
    });
    const gets = () => api.calls.filter((c) => c.verb === 'get').length;
    const started = wiring.start();
    await clock.advance(4);
    expect(gets()).toBe(1);
    await clock.advance(1);
    expect(gets()).toBe(2);
    await clock.advance(9);
    expect(gets()).toBe(2);
    await clock.advance(1);
    await started;
    expect(clock.pendingTimers).toBe(0);
    expect(stored(api, 'a.example.com').annotations).toMatchObject({
      'cert-manager.io/inject-ca-from': INJECT_CA_FROM,
    });
    expect(logger.lines.map((l) => [l.level, l.message, l.fields])).toEqual([
      [
        'error',
        'wiring the CRD conversion failed; retrying',
        {
          target: 'CustomResourceDefinition a.example.com',
          error: expect.stringContaining('forbidden'),
          failures: 1,
          retryInMs: 5,
        },
      ],
      ['error', 'wiring the CRD conversion failed; retrying', expect.objectContaining({ retryInMs: 10 })],
      [
        'info',
        'CRD conversion wired',
        { name: 'a.example.com', service: 'platform/gw-webhook', injectCAFrom: INJECT_CA_FROM },
      ],
    ]);
  });

  it('checks again every recheck interval, so CRDs re-applied from crds/ are wired again', async () => {
    const api = new FakeKubeAPI();
    api.seed(CUSTOM_RESOURCE_DEFINITIONS, crd('a.example.com', { service: SHIPPED_SERVICE }));
    const clock = new FakeClock(0);
    const wiring = new CRDWiring({
      api,
      crds: ['a.example.com'],
      service: SERVICE,
      logger: silentLogger,
      recheckMs: 5,
      clock,
    });
    try {
      await wiring.start();
      const wired = api.peek<KubeObject>(CUSTOM_RESOURCE_DEFINITIONS, { name: 'a.example.com' });
      // What `kubectl apply -f crds/` after an upgrade does: the shipped Service reference is back.
      await api.replace(CUSTOM_RESOURCE_DEFINITIONS, {
        ...crd('a.example.com', { service: SHIPPED_SERVICE }),
        metadata: { ...wired?.metadata, name: 'a.example.com' },
      } as KubeObject);
      const serviceName = () =>
        (stored(api, 'a.example.com').clientConfig as { service: { name: string } }).service.name;
      expect(serviceName()).toBe(SHIPPED_SERVICE.name);
      await clock.advance(5);
      expect(serviceName()).toBe(SERVICE.name);
    } finally {
      wiring.stop();
    }
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops retrying when stopped', async () => {
    const api = new FakeKubeAPI();
    const clock = new FakeClock(0);
    const wiring = new CRDWiring({
      api,
      crds: ['missing.example.com'],
      service: SERVICE,
      logger: silentLogger,
      retryBaseMs: 60_000,
      clock,
    });
    const done = wiring.start();
    await clock.advance(10);
    wiring.stop();
    await done;
    await clock.advance(3_600_000);
    expect(api.calls.filter((c) => c.verb === 'get')).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });
});
