// The webhook configurations send exactly our kinds, both versions, to the paths the webhook serves, and
// reach it the way each mode says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { API_KINDS, crdName } from '../../shared/api/kinds.ts';
import { CONVERT_PATH, mutatePath, validatePath } from '../../webhook/http/webhook-app.ts';
import { CHART_DIR, renderChart } from './helm.ts';
import { SECRET_MODE_CA_BUNDLE, VALUE_SETS } from './modes.ts';
import type { RenderedObject, Webhook, WebhookConfiguration } from './rendered-objects.ts';
import { findObject, objectsOfKind } from './rendered-objects.ts';

const RELEASE = 'ai-gateway-operator';
const NAMESPACE = 'ai-gateway-operator';
const SERVICE = `${RELEASE}-webhook`;

async function webhookConfigurations(values: Record<string, unknown>) {
  const objects = await renderChart({ release: RELEASE, namespace: NAMESPACE, values });
  return {
    objects,
    validating: findObject<WebhookConfiguration>(
      objects,
      'ValidatingWebhookConfiguration',
      `${RELEASE}-validating`,
    ),
    mutating: findObject<WebhookConfiguration>(
      objects,
      'MutatingWebhookConfiguration',
      `${RELEASE}-mutating`,
    ),
  };
}

function allWebhooks(c: { validating: WebhookConfiguration; mutating: WebhookConfiguration }): Webhook[] {
  return [...c.validating.webhooks, ...c.mutating.webhooks];
}

describe('webhook configurations', () => {
  it('cover each kind, in both versions, on create and update, at the path the webhook serves it', async () => {
    const configs = await webhookConfigurations({});
    for (const [configuration, pathOf] of [
      [configs.validating, validatePath],
      [configs.mutating, mutatePath],
    ] as const) {
      expect(configuration.webhooks).toHaveLength(API_KINDS.length);
      for (const kind of API_KINDS) {
        const webhook = configuration.webhooks.find((w) => w.rules[0]?.resources.includes(kind.plural));
        expect(webhook?.rules).toEqual([
          {
            apiGroups: [kind.group],
            apiVersions: kind.versions.map((v) => v.name),
            resources: [kind.plural],
            operations: ['CREATE', 'UPDATE'],
            scope: 'Namespaced',
          },
        ]);
        expect(webhook?.clientConfig.service).toEqual({
          name: SERVICE,
          namespace: NAMESPACE,
          path: pathOf(kind),
          port: 443,
        });
      }
    }
  });

  it('fail closed, without side effects, within five seconds, for equivalent versions too', async () => {
    const configs = await webhookConfigurations({});
    for (const webhook of allWebhooks(configs)) {
      expect(webhook).toMatchObject({
        failurePolicy: 'Fail',
        sideEffects: 'None',
        timeoutSeconds: 5,
        matchPolicy: 'Equivalent',
        admissionReviewVersions: ['v1'],
      });
    }
    expect(new Set(allWebhooks(configs).map((w) => w.name)).size).toBe(2 * API_KINDS.length);
  });

  it('name the Service the CRDs in crds/ use for conversion, at the default release name and namespace', async () => {
    const configs = await webhookConfigurations({});
    const service = findObject<RenderedObject>(configs.objects, 'Service', SERVICE);
    for (const kind of API_KINDS) {
      const crd = parse(readFileSync(join(CHART_DIR, 'crds', `${crdName(kind)}.yaml`), 'utf8'));
      expect(crd.spec.conversion.webhook.clientConfig.service).toEqual({
        name: service.metadata.name,
        namespace: NAMESPACE,
        path: CONVERT_PATH,
        port: 443,
      });
    }
  });

  it('leave the caBundle to the self-managed webhook by default', async () => {
    const configs = await webhookConfigurations({});
    for (const webhook of allWebhooks(configs)) expect(webhook.clientConfig.caBundle).toBeUndefined();
    expect(configs.validating.metadata.annotations).toBeUndefined();
  });

  it("carry cert-manager's injection annotation in certManager mode", async () => {
    const configs = await webhookConfigurations(VALUE_SETS.certManager!);
    for (const configuration of [configs.validating, configs.mutating]) {
      expect(configuration.metadata.annotations).toEqual({
        'cert-manager.io/inject-ca-from': `${NAMESPACE}/${SERVICE}`,
      });
    }
    findObject(configs.objects, 'Certificate', SERVICE);
  });

  it('carry the given caBundle in secret mode', async () => {
    const configs = await webhookConfigurations(VALUE_SETS.secret!);
    for (const webhook of allWebhooks(configs))
      expect(webhook.clientConfig.caBundle).toBe(SECRET_MODE_CA_BUNDLE);
  });

  it('call the external URL in development, with no webhook Deployment, Service or PDB in the cluster', async () => {
    const configs = await webhookConfigurations({ webhook: { externalURL: 'https://127.0.0.1:9443/' } });
    for (const kind of API_KINDS) {
      const urls = allWebhooks(configs)
        .filter((w) => w.rules[0]?.resources.includes(kind.plural))
        .map((w) => w.clientConfig);
      expect(urls).toEqual([
        { url: `https://127.0.0.1:9443${validatePath(kind)}` },
        { url: `https://127.0.0.1:9443${mutatePath(kind)}` },
      ]);
    }
    const names = configs.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).not.toContain(`Deployment/${SERVICE}`);
    expect(names).not.toContain(`Service/${SERVICE}`);
    expect(objectsOfKind(configs.objects, 'PodDisruptionBudget')).toEqual([]);
    expect(names).toEqual(expect.arrayContaining([`ServiceAccount/${SERVICE}`, `ClusterRole/${SERVICE}`]));
  });
});
