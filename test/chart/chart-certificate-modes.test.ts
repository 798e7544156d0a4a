// Where the webhook's serving certificate comes from in each mode, and what the chart creates for it.
import { describe, expect, it } from '@jest/globals';
import { parseWebhookOptions } from '../../webhook/config/webhook-options.ts';
import { renderChart } from './helm.ts';
import { VALUE_SETS } from './modes.ts';
import type { Deployment, RenderedObject } from './rendered-objects.ts';
import { findObject, objectsOfKind } from './rendered-objects.ts';

const RELEASE = 'ai-gateway-operator';
const NAMESPACE = 'ai-gateway-operator';
const WEBHOOK = `${RELEASE}-webhook`;
const CRDS = ['apigatewayroutes.gateway.example.com', 'aimodels.ai.example.com'];

interface Certificate extends RenderedObject {
  spec: {
    secretName: string;
    dnsNames?: string[];
    isCA?: boolean;
    issuerRef: Record<string, string>;
    privateKey: Record<string, unknown>;
  };
}

function webhookPod(objects: readonly RenderedObject[], name = WEBHOOK) {
  const spec = findObject<Deployment>(objects, 'Deployment', name).spec.template.spec;
  const container = spec.containers[0]!;
  const options = parseWebhookOptions((container.args ?? []).slice(1), {});
  return { spec, container, options };
}

describe('certificate modes', () => {
  it('selfManaged: creates the Secret empty, for the webhook to fill, and mounts nothing', async () => {
    const objects = await renderChart({ release: RELEASE, namespace: NAMESPACE });
    const secret = findObject<RenderedObject & { data?: unknown; type: string }>(
      objects,
      'Secret',
      `${WEBHOOK}-certs`,
    );
    expect(secret.data).toBeUndefined();
    expect(secret.type).toBe('Opaque');
    const { spec, container, options } = webhookPod(objects);
    expect(options).toMatchObject({
      certMode: 'self-managed',
      injectCABundle: true,
      wireCRDConversion: true,
      crdInjectCAFrom: undefined,
    });
    expect(spec.volumes?.map((v) => v.name)).toEqual(['tmp']);
    expect(container.volumeMounts?.map((m) => m.mountPath)).toEqual(['/tmp']);
    expect(objectsOfKind(objects, 'Certificate')).toEqual([]);
  });

  it('selfManaged: passes extra names for the serving certificate', async () => {
    const objects = await renderChart({
      values: { webhook: { certificates: { extraSANs: ['webhook.example.org', '10.0.0.7'] } } },
    });
    expect(webhookPod(objects).options.extraSANs).toEqual(['webhook.example.org', '10.0.0.7']);
  });

  it('certManager: issues the serving certificate from a CA of its own and mounts it read-only', async () => {
    const objects = await renderChart({
      release: RELEASE,
      namespace: NAMESPACE,
      values: VALUE_SETS.certManager,
    });
    const serving = findObject<Certificate>(objects, 'Certificate', WEBHOOK);
    expect(serving.spec.dnsNames).toEqual([
      WEBHOOK,
      `${WEBHOOK}.${NAMESPACE}`,
      `${WEBHOOK}.${NAMESPACE}.svc`,
      `${WEBHOOK}.${NAMESPACE}.svc.cluster.local`,
    ]);
    expect(serving.spec.privateKey).toMatchObject({ algorithm: 'RSA' });
    expect(serving.spec.issuerRef).toEqual({
      name: `${WEBHOOK}-ca`,
      kind: 'Issuer',
      group: 'cert-manager.io',
    });
    const ca = findObject<Certificate>(objects, 'Certificate', `${WEBHOOK}-ca`);
    expect(ca.spec.isCA).toBe(true);
    expect(findObject<RenderedObject & { spec: unknown }>(objects, 'Issuer', `${WEBHOOK}-ca`).spec).toEqual({
      ca: { secretName: ca.spec.secretName },
    });
    expect(
      findObject<RenderedObject & { spec: unknown }>(objects, 'Issuer', `${WEBHOOK}-selfsigned`).spec,
    ).toEqual({
      selfSigned: {},
    });
    const { spec, container, options } = webhookPod(objects);
    expect(options.certMode).toBe('cert-dir');
    const mount = container.volumeMounts?.find((m) => m.mountPath === options.certDir);
    expect(mount?.readOnly).toBe(true);
    // cert-manager.io/inject-ca-from, as on the webhook configurations, names the serving Certificate.
    expect(options).toMatchObject({
      wireCRDConversion: true,
      crds: CRDS,
      crdInjectCAFrom: `${NAMESPACE}/${serving.metadata.name}`,
    });
    expect(spec.volumes?.find((v) => v.name === mount?.name)).toMatchObject({
      secret: { secretName: serving.spec.secretName },
    });
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
  });

  it('certManager: uses the given issuer instead of creating one', async () => {
    const issuerRef = { name: 'corporate-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' };
    const objects = await renderChart({
      values: { webhook: { certificates: { mode: 'certManager', certManager: { issuerRef } } } },
    });
    expect(objectsOfKind<Certificate>(objects, 'Certificate').map((c) => c.spec.issuerRef)).toEqual([
      issuerRef,
    ]);
    expect(objectsOfKind(objects, 'Issuer')).toEqual([]);
  });

  it('secret: mounts the given Secret and creates none', async () => {
    const objects = await renderChart({ values: VALUE_SETS.secret });
    const { spec, container, options } = webhookPod(objects);
    expect(options).toMatchObject({ certMode: 'cert-dir', wireCRDConversion: true, crds: CRDS });
    expect(options.crdInjectCAFrom).toBeUndefined();
    const mount = container.volumeMounts?.find((m) => m.mountPath === options.certDir);
    expect(spec.volumes?.find((v) => v.name === mount?.name)).toMatchObject({
      secret: { secretName: 'my-webhook-tls' },
    });
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
    expect(objectsOfKind(objects, 'Certificate')).toEqual([]);
  });
});

it.each(['certManager', 'secret'] as const)(
  '%s: the webhook wires the CRDs to the Service of any release name and namespace',
  async (mode) => {
    const objects = await renderChart({ release: 'gw', namespace: 'platform', values: VALUE_SETS[mode] });
    const { options } = webhookPod(objects, 'gw-ai-gateway-operator-webhook');
    expect(options).toMatchObject({
      wireCRDConversion: true,
      serviceNamespace: 'platform',
      serviceName: 'gw-ai-gateway-operator-webhook',
    });
    expect(objectsOfKind(objects, 'Service').map((s) => s.metadata.name)).toContain(options.serviceName);
    const annotations = objectsOfKind(objects, 'ValidatingWebhookConfiguration')[0]?.metadata.annotations;
    expect(options.crdInjectCAFrom).toBe(annotations?.['cert-manager.io/inject-ca-from']);
    if (mode === 'certManager')
      expect(options.crdInjectCAFrom).toBe('platform/gw-ai-gateway-operator-webhook');
  },
);

describe('ServiceMonitor', () => {
  const enabled = { metrics: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } } };

  it('is created when asked for and the cluster serves monitoring.coreos.com/v1', async () => {
    const objects = await renderChart({
      values: enabled,
      apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'],
    });
    const monitor = findObject<RenderedObject & { spec: { endpoints: { port: string }[] } }>(
      objects,
      'ServiceMonitor',
    );
    expect(monitor.metadata.labels).toMatchObject({ release: 'prometheus' });
    expect(monitor.spec.endpoints.map((e) => e.port)).toEqual(['metrics']);
    const scraped = objectsOfKind<RenderedObject & { spec: { ports: { name: string }[] } }>(
      objects,
      'Service',
    ).filter((s) => s.spec.ports.some((p) => p.name === 'metrics'));
    expect(scraped.map((s) => s.metadata.labels?.['app.kubernetes.io/component']).sort()).toEqual([
      'controller',
      'webhook',
    ]);
  });

  it('is left out without the API, and by default', async () => {
    expect(objectsOfKind(await renderChart({ values: enabled }), 'ServiceMonitor')).toEqual([]);
    expect(
      objectsOfKind(
        await renderChart({ apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'] }),
        'ServiceMonitor',
      ),
    ).toEqual([]);
  });
});
