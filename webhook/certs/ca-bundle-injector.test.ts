import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { FakeKubeAPI } from '../../shared/kube/testing/fake-kube-api.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { CUSTOM_RESOURCE_DEFINITIONS, VALIDATING_WEBHOOK_CONFIGURATIONS } from '../kube/webhook-resources.ts';
import { createCABundleInjector } from './ca-bundle-injector.ts';

const BUNDLE = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function vwc(): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'v' },
    webhooks: [{ name: 'a.example.com', clientConfig: { url: 'https://127.0.0.1/a' } }],
  };
}

describe('CA bundle injector', () => {
  it('retries on a write conflict and writes only when the bundle differs', async () => {
    const api = new FakeKubeAPI();
    api.seed(VALIDATING_WEBHOOK_CONFIGURATIONS, vwc());
    const injector = createCABundleInjector(
      api,
      {
        validatingWebhookConfigurations: ['v'],
        mutatingWebhookConfigurations: [],
        customResourceDefinitions: [],
      },
      silentLogger,
    );
    api.failNext('replace', FakeKubeAPI.apiError('PUT', 409, 'Conflict'));
    await injector.inject(BUNDLE);
    const stored = api.peek<KubeObject>(VALIDATING_WEBHOOK_CONFIGURATIONS, { name: 'v' });
    expect(stored?.webhooks).toEqual([
      {
        name: 'a.example.com',
        clientConfig: { url: 'https://127.0.0.1/a', caBundle: Buffer.from(BUNDLE).toString('base64') },
      },
    ]);
    const writes = api.writeCount();
    await injector.inject(BUNDLE);
    expect(api.writeCount()).toBe(writes);
  });

  it('refuses a CRD that does not convert through a webhook, naming it', async () => {
    const api = new FakeKubeAPI();
    api.seed(CUSTOM_RESOURCE_DEFINITIONS, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.com' },
      spec: { conversion: { strategy: 'None' } },
    });
    const injector = createCABundleInjector(
      api,
      {
        validatingWebhookConfigurations: [],
        mutatingWebhookConfigurations: [],
        customResourceDefinitions: ['things.example.com'],
      },
      silentLogger,
    );
    await expect(injector.inject(BUNDLE)).rejects.toThrow(
      'injecting the CA bundle into CustomResourceDefinition things.example.com: its spec.conversion.strategy is not Webhook',
    );
  });
});

describe('CA bundle injector on CRDs', () => {
  type CRDSpec = { conversion: { webhook: { clientConfig: unknown } } };
  function crd(name: string, clientConfig: Record<string, unknown>): KubeObject {
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name },
      spec: {
        conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig } },
      },
    };
  }
  const caBundle = Buffer.from(BUNDLE).toString('base64');

  // Where the conversion goes is CRDWiring's business (webhook/kube/crd-wiring.ts): the injector only adds the bundle.
  it('adds the bundle to Service- and URL-based conversions, leaving where they point alone', async () => {
    const api = new FakeKubeAPI();
    const shipped = {
      name: 'ai-gateway-operator-webhook',
      namespace: 'ai-gateway-operator',
      path: '/convert',
      port: 443,
    };
    api.seed(CUSTOM_RESOURCE_DEFINITIONS, crd('a.example.com', { service: shipped }));
    api.seed(CUSTOM_RESOURCE_DEFINITIONS, crd('b.example.com', { url: 'https://127.0.0.1:9443/convert' }));
    const injector = createCABundleInjector(
      api,
      {
        validatingWebhookConfigurations: [],
        mutatingWebhookConfigurations: [],
        customResourceDefinitions: ['a.example.com', 'b.example.com'],
      },
      silentLogger,
    );
    await injector.inject(BUNDLE);
    const clientConfig = (name: string) =>
      (api.peek<KubeObject>(CUSTOM_RESOURCE_DEFINITIONS, { name })?.spec as CRDSpec).conversion.webhook
        .clientConfig;
    expect(clientConfig('a.example.com')).toEqual({
      service: shipped,
      caBundle,
    });
    expect(clientConfig('b.example.com')).toEqual({ url: 'https://127.0.0.1:9443/convert', caBundle });
    const writes = api.writeCount();
    await injector.inject(BUNDLE);
    expect(api.writeCount()).toBe(writes);
  });
});
