// Where the webhook's serving certificate comes from in each mode, and what the chart creates for it.
import { describe, expect, it } from '@jest/globals';
import { parseWebhookOptions } from '../../webhook/config/webhook-options.ts';
import { renderChart, renderRefusal } from './helm.ts';
import { VALUE_SETS } from './modes.ts';
import type { Container, Deployment, PodSpec, RenderedObject } from './rendered-objects.ts';
import { findObject, objectsOfKind } from './rendered-objects.ts';

const RELEASE = 'ai-gateway-operator';
const NAMESPACE = 'ai-gateway-operator';
const WEBHOOK = `${RELEASE}-webhook`;
const CRDS = ['apigatewayroutes.gateway.example.com', 'aimodels.ai.example.com'];

interface Certificate extends RenderedObject {
  spec: {
    secretName: string;
    commonName?: string;
    dnsNames?: string[];
    duration?: string;
    renewBefore?: string;
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

/**
 * Whether the container's user can read the files of a Secret volume: the kubelet writes them owned by root,
 * with the pod's fsGroup (when set) as their group, and the volume's defaultMode (0644 when unset).
 */
function canReadSecretVolume(spec: PodSpec, container: Container, volume: Record<string, unknown>): boolean {
  const pod = spec.securityContext ?? {};
  const own = container.securityContext ?? {};
  const uid = (own.runAsUser ?? pod.runAsUser ?? 0) as number;
  const gid = (own.runAsGroup ?? pod.runAsGroup ?? 0) as number;
  const fsGroup = pod.fsGroup as number | undefined;
  // The kubelet adds fsGroup to the groups of every container's process.
  const groups = [
    gid,
    ...((pod.supplementalGroups ?? []) as number[]),
    ...(fsGroup === undefined ? [] : [fsGroup]),
  ];
  const fileGroup = fsGroup ?? 0;
  const mode = (volume.secret as { defaultMode?: number }).defaultMode ?? 0o644;
  if (uid === 0) return (mode & 0o400) !== 0;
  if (groups.includes(fileGroup)) return (mode & 0o040) !== 0;
  return (mode & 0o004) !== 0;
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

describe('the mounted certificate', () => {
  it.each(['certManager', 'secret'] as const)(
    '%s: is readable by the webhook user: group fsGroup, mode 0440',
    async (mode) => {
      const objects = await renderChart({ release: RELEASE, namespace: NAMESPACE, values: VALUE_SETS[mode] });
      const { spec, container, options } = webhookPod(objects);
      const mount = container.volumeMounts?.find((m) => m.mountPath === options.certDir);
      const volume = spec.volumes?.find((v) => v.name === mount?.name);
      expect(volume?.secret).toMatchObject({ defaultMode: 0o440 });
      expect(canReadSecretVolume(spec, container, volume!)).toBe(true);
      expect(spec.securityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 });
    },
  );

  it('is read as the pod user would: root-owned 0440 files are not readable without fsGroup', () => {
    const spec: PodSpec = {
      securityContext: { runAsUser: 65532, runAsGroup: 65532 },
      containers: [{ name: 'webhook' }],
    };
    const volume = { name: 'certificates', secret: { secretName: 's', defaultMode: 0o440 } };
    expect(canReadSecretVolume(spec, spec.containers[0]!, volume)).toBe(false);
    spec.securityContext = { ...spec.securityContext, fsGroup: 65532 };
    expect(canReadSecretVolume(spec, spec.containers[0]!, volume)).toBe(true);
  });
});

describe('cert-manager Certificate', () => {
  it('names the Service in dnsNames only, so that a long name is no commonName over 64 characters', async () => {
    const objects = await renderChart({
      release: 'platform-team-gateway-prod-eu1',
      namespace: 'platform-team-gateway-prod-eu1',
      values: VALUE_SETS.certManager,
    });
    for (const certificate of objectsOfKind<Certificate>(objects, 'Certificate')) {
      if (certificate.spec.commonName !== undefined)
        expect(certificate.spec.commonName.length).toBeLessThanOrEqual(64);
    }
    const serving = objectsOfKind<Certificate>(objects, 'Certificate').find((c) => !c.spec.isCA)!;
    expect(serving.spec.commonName).toBeUndefined();
    expect(serving.spec.dnsNames).toContain(
      'platform-team-gateway-prod-eu1-ai-gateway-operator-webhook.platform-team-gateway-prod-eu1.svc',
    );
  });

  it.each([
    ['2160h', '720h'],
    ['1h', '59m59s'],
    ['1h30m', '1h29m'],
    ['1.5h', '5m'],
  ])('accepts duration %s with renewBefore %s', async (duration, renewBefore) => {
    const objects = await renderChart({
      values: { webhook: { certificates: { mode: 'certManager', certManager: { duration, renewBefore } } } },
    });
    const serving = objectsOfKind<Certificate>(objects, 'Certificate').find((c) => !c.spec.isCA)!;
    expect(serving.spec).toMatchObject({ duration, renewBefore });
  });

  it.each([
    [
      '720h',
      '720h',
      'renewBefore (720h) must be shorter than webhook.certificates.certManager.duration (720h)',
    ],
    ['1h', '60m', 'renewBefore (60m) must be shorter than webhook.certificates.certManager.duration (1h)'],
    ['1.5h', '1h30m', 'renewBefore (1h30m) must be shorter'],
    ['2160h', '2161h', 'renewBefore (2161h) must be shorter'],
    ['2160h', '4m59s', 'renewBefore (4m59s) must be at least 5m'],
  ])('refuses duration %s with renewBefore %s', async (duration, renewBefore, message) => {
    const stderr = await renderRefusal({
      values: { webhook: { certificates: { mode: 'certManager', certManager: { duration, renewBefore } } } },
    });
    expect(stderr).toContain(message);
  });
});

describe('webhook.externalURL', () => {
  it.each(['certManager', 'secret'] as const)(
    'is refused with %s, whose certificate does not name the URL host',
    async (mode) => {
      const values = {
        webhook: {
          ...(VALUE_SETS[mode]?.webhook as Record<string, unknown>),
          externalURL: 'https://127.0.0.1:9443',
        },
      };
      expect(await renderRefusal({ values })).toContain(
        `webhook.externalURL requires webhook.certificates.mode selfManaged (not ${mode})`,
      );
    },
  );
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
