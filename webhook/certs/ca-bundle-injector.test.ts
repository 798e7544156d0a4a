import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../shared/api/meta.ts';
import { FakeKubeApi } from '../../shared/kube/testing/fake-kube-api.ts';
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
    const api = new FakeKubeApi();
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
    api.failNext('replace', FakeKubeApi.apiError('PUT', 409, 'Conflict'));
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
    const api = new FakeKubeApi();
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
