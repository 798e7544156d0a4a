import { describe, expect, it, jest } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { FakeKubeAPI } from '../../shared/kube/testing/fake-kube-api.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { FakeClock } from '../../shared/time/testing/fake-clock.ts';
import type { KeyPairPEM } from '../../shared/tls/certificates.ts';
import { splitPEMBundle } from '../../shared/tls/certificates.ts';
import {
  CUSTOM_RESOURCE_DEFINITIONS,
  MUTATING_WEBHOOK_CONFIGURATIONS,
  VALIDATING_WEBHOOK_CONFIGURATIONS,
} from '../kube/webhook-resources.ts';
import { SECRETS } from '../../shared/kube/well-known-resources.ts';
import { createCABundleInjector } from './ca-bundle-injector.ts';
import { createCertificateIssuer } from './certificate-issuer.ts';
import { decodeCertificateSecret } from './certificate-secret.ts';
import { kubeCertificateSecretStore } from './certificate-secret-store.ts';
import type { RotationPolicy } from './certificate-state.ts';
import { serviceIdentity } from './certificate-state.ts';
import { SelfManagedCertificates } from './self-managed-certificates.ts';

// node-forge signs certificates in JavaScript, which is slow on a busy machine.
jest.setTimeout(30_000);

const S = 1000;
const policy: RotationPolicy = {
  caValidityMs: 300 * S,
  servingValidityMs: 90 * S,
  renewAfterFraction: 2 / 3,
  caAnnounceLeadMs: 10 * S,
};
const issuer = createCertificateIssuer('webhook-ca', 1024);
const identity = serviceIdentity('webhook', 'ops', []);
const targets = {
  validatingWebhookConfigurations: ['ai-gateway-validating'],
  mutatingWebhookConfigurations: ['ai-gateway-mutating'],
  customResourceDefinitions: ['aimodels.ai.example.com'],
};

function seedTargets(api: FakeKubeAPI, withCRD = true): void {
  const webhooks = [
    { name: 'a.example.com', clientConfig: { url: 'https://127.0.0.1:9443/validate/a' } },
    { name: 'b.example.com', clientConfig: { url: 'https://127.0.0.1:9443/validate/b' } },
  ];
  api.seed(VALIDATING_WEBHOOK_CONFIGURATIONS, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'ai-gateway-validating' },
    webhooks,
  });
  api.seed(MUTATING_WEBHOOK_CONFIGURATIONS, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'ai-gateway-mutating' },
    webhooks: [webhooks[0]],
  });
  if (withCRD) seedCRD(api);
}

function seedCRD(api: FakeKubeAPI): void {
  api.seed(CUSTOM_RESOURCE_DEFINITIONS, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'aimodels.ai.example.com' },
    spec: {
      conversion: {
        strategy: 'Webhook',
        webhook: { clientConfig: { url: 'https://127.0.0.1:9443/convert' } },
      },
    },
  });
}

/** A replica: its own manager and the certificate its server presents. */
function replica(api: FakeKubeAPI, clock: FakeClock, inject = true) {
  const served: { pair?: KeyPairPEM; loads: number } = { loads: 0 };
  const manager = new SelfManagedCertificates({
    store: kubeCertificateSecretStore(api, 'ops', 'webhook-certs'),
    ...(inject ? { injector: createCABundleInjector(api, targets, silentLogger) } : {}),
    server: {
      loadCertificate: (pair: KeyPairPEM) => {
        served.pair = pair;
        served.loads++;
      },
    },
    policy,
    identity,
    issuer,
    logger: silentLogger,
    checkIntervalMs: 60 * S,
    clock,
  });
  return { manager, served };
}

function injectedBundles(api: FakeKubeAPI): string[] {
  const decode = (b: unknown) => Buffer.from(String(b), 'base64').toString('utf8');
  const vwc = api.peek<KubeObject>(VALIDATING_WEBHOOK_CONFIGURATIONS, { name: 'ai-gateway-validating' });
  const mwc = api.peek<KubeObject>(MUTATING_WEBHOOK_CONFIGURATIONS, { name: 'ai-gateway-mutating' });
  const crd = api.peek<KubeObject>(CUSTOM_RESOURCE_DEFINITIONS, { name: 'aimodels.ai.example.com' });
  const hooks = [
    ...((vwc?.webhooks as { clientConfig: { caBundle?: string } }[]) ?? []),
    ...((mwc?.webhooks as { clientConfig: { caBundle?: string } }[]) ?? []),
  ];
  const crdBundle = (
    crd?.spec as { conversion: { webhook: { clientConfig: { caBundle?: string } } } } | undefined
  )?.conversion.webhook.clientConfig.caBundle;
  return [...hooks.map((h) => decode(h.clientConfig.caBundle)), decode(crdBundle)];
}

function signedBy(pair: KeyPairPEM | undefined, ca: KeyPairPEM | undefined): boolean {
  if (!pair || !ca) return false;
  const cert = new X509Certificate(pair.certPEM);
  const caCert = new X509Certificate(ca.certPEM);
  return cert.checkIssued(caCert) && cert.verify(caCert.publicKey);
}

/** What the API server checks: the served certificate chains to a CA in every injected bundle. */
function trustedEverywhere(api: FakeKubeAPI, pair: KeyPairPEM | undefined): boolean {
  if (!pair) return false;
  const cert = new X509Certificate(pair.certPEM);
  return injectedBundles(api).every((bundle) =>
    splitPEMBundle(bundle).some((caPEM) => {
      const ca = new X509Certificate(caPEM);
      return cert.checkIssued(ca) && cert.verify(ca.publicKey);
    }),
  );
}

describe('SelfManagedCertificates', () => {
  it('provisions the Secret, injects the bundle everywhere and serves the certificate', async () => {
    const api = new FakeKubeAPI();
    seedTargets(api);
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const r = replica(api, clock);
    expect(r.manager.injectionReadiness()).toEqual({ ok: false, reason: 'CA bundle not injected yet' });
    const state = await r.manager.reconcile();
    expect(r.served.pair).toEqual(state.serving);
    expect(injectedBundles(api)).toEqual([
      state.ca.certPEM,
      state.ca.certPEM,
      state.ca.certPEM,
      state.ca.certPEM,
    ]);
    expect(trustedEverywhere(api, r.served.pair)).toBe(true);
    expect(r.manager.injectionReadiness()).toBe(true);
    const secret = api.peek<KubeObject & { type: string; data: Record<string, string> }>(SECRETS, {
      namespace: 'ops',
      name: 'webhook-certs',
    });
    expect(secret?.type).toBe('kubernetes.io/tls');
    expect(Object.keys(secret?.data ?? {}).sort()).toEqual([
      'ca-signing.crt',
      'ca-signing.key',
      'ca.crt',
      'tls.crt',
      'tls.key',
    ]);

    // A later round with nothing due writes nothing.
    const writes = api.writeCount();
    await r.manager.reconcile();
    expect(api.writeCount()).toBe(writes);
    expect(r.served.loads).toBe(1);

    // A caBundle reset by someone else is written again on the next round.
    const vwc = api.peek<KubeObject>(VALIDATING_WEBHOOK_CONFIGURATIONS, { name: 'ai-gateway-validating' });
    (vwc?.webhooks as { clientConfig: { caBundle?: string } }[])[1]!.clientConfig.caBundle = '';
    await api.replace(VALIDATING_WEBHOOK_CONFIGURATIONS, vwc as KubeObject);
    await r.manager.reconcile();
    expect(injectedBundles(api)[1]).toBe(state.ca.certPEM);
  });

  it('lets replicas starting together agree on one Secret', async () => {
    const api = new FakeKubeAPI();
    seedTargets(api);
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const replicas = [replica(api, clock), replica(api, clock), replica(api, clock)];
    await Promise.all(replicas.map((r) => r.manager.reconcile()));
    const served = replicas.map((r) => r.served.pair?.certPEM);
    expect(new Set(served).size).toBe(1);
    expect(api.calls.filter((c) => c.verb === 'create' && c.resource === 'secrets')).toHaveLength(3);
    expect(api.calls.filter((c) => c.verb === 'replace' && c.resource === 'secrets')).toHaveLength(0);
    for (const r of replicas) expect(trustedEverywhere(api, r.served.pair)).toBe(true);
  });

  it('rotates serving certificates and the CA without a moment where a replica is untrusted', async () => {
    const api = new FakeKubeAPI();
    seedTargets(api);
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const a = replica(api, clock);
    const b = replica(api, clock);
    await a.manager.reconcile();
    await b.manager.reconcile();
    const firstCA = splitPEMBundle(injectedBundles(api)[0] ?? '')[0];
    const secretWrites: number[] = [];
    // Replicas wake at different times; both must stay trusted by the bundle after every step.
    for (let t = 0; t <= 420; t += 3) {
      await clock.advance(Date.parse('2026-01-01T00:00:00Z') + t * S - clock.now());
      await (t % 2 === 0 ? a : b).manager.reconcile();
      expect(trustedEverywhere(api, a.served.pair)).toBe(true);
      expect(trustedEverywhere(api, b.served.pair)).toBe(true);
      secretWrites.push(api.writeCount(SECRETS));
    }
    const lastCA = splitPEMBundle(injectedBundles(api)[0] ?? '')[0];
    expect(lastCA).not.toBe(firstCA);
    // Renewals happen, but not on every round: no thrashing.
    expect(api.writeCount(SECRETS)).toBeGreaterThan(3);
    expect(api.writeCount(SECRETS)).toBeLessThan(20);
  });

  it('lets the next CA sign only once this replica has injected it, for the lead time', async () => {
    const api = new FakeKubeAPI();
    seedTargets(api);
    const start = Date.parse('2026-01-01T00:00:00Z');
    const clock = new FakeClock(start);
    const at = (seconds: number) => clock.advance(start + seconds * S - clock.now());
    const r = replica(api, clock);
    const firstCA = (await r.manager.reconcile()).ca;
    const stored = () =>
      decodeCertificateSecret(
        api.peek<KubeObject & { data: Record<string, string> }>(SECRETS, {
          namespace: 'ops',
          name: 'webhook-certs',
        })?.data,
      );

    // Injection breaks before the CA is due; the next CA is announced in the Secret all the same.
    await api.delete(CUSTOM_RESOURCE_DEFINITIONS, { name: 'aimodels.ai.example.com' });
    await at(201);
    await expect(r.manager.reconcile()).rejects.toThrow('CustomResourceDefinition aimodels.ai.example.com');
    const nextCA = stored().nextCA;
    expect(nextCA).toBeDefined();

    // Long past the lead time, the old CA still signs: the API server may not trust the next one.
    await at(260);
    await expect(r.manager.reconcile()).rejects.toThrow('CustomResourceDefinition aimodels.ai.example.com');
    expect(stored().ca).toEqual(firstCA);
    expect(signedBy(r.served.pair, firstCA)).toBe(true);

    // Injection works again; the lead time starts now.
    seedCRD(api);
    await at(270);
    await r.manager.reconcile();
    expect(stored().ca).toEqual(firstCA);
    expect(stored().nextCA).toEqual(nextCA);
    await at(275);
    await r.manager.reconcile();
    expect(stored().ca).toEqual(firstCA);

    await at(281);
    await r.manager.reconcile();
    expect(stored().ca).toEqual(nextCA);
    expect(signedBy(r.served.pair, nextCA)).toBe(true);
    expect(trustedEverywhere(api, r.served.pair)).toBe(true);
  });

  it('lets a replica that has not injected the next CA wait while one that has promotes it', async () => {
    const api = new FakeKubeAPI();
    seedTargets(api);
    const start = Date.parse('2026-01-01T00:00:00Z');
    const clock = new FakeClock(start);
    const at = (seconds: number) => clock.advance(start + seconds * S - clock.now());
    const a = replica(api, clock);
    const b = replica(api, clock);
    await a.manager.reconcile();
    await at(201);
    const announced = await a.manager.reconcile();
    expect(announced.nextCA).toBeDefined();

    // b first meets the next CA past the lead time: it does not promote, it injects.
    await at(215);
    expect((await b.manager.reconcile()).ca).toEqual(announced.ca);
    // a injected it at 201 and promotes; b adopts what a wrote.
    expect((await a.manager.reconcile()).ca).toEqual(announced.nextCA);
    expect((await b.manager.reconcile()).ca).toEqual(announced.nextCA);
    expect(trustedEverywhere(api, a.served.pair)).toBe(true);
    expect(trustedEverywhere(api, b.served.pair)).toBe(true);
  });

  it('lets the next CA sign after the lead time alone when injection is off', async () => {
    const api = new FakeKubeAPI();
    const start = Date.parse('2026-01-01T00:00:00Z');
    const clock = new FakeClock(start);
    const r = replica(api, clock, false);
    await r.manager.reconcile();
    await clock.advance(start + 201 * S - clock.now());
    const announced = await r.manager.reconcile();
    await clock.advance(start + 212 * S - clock.now());
    expect((await r.manager.reconcile()).ca).toEqual(announced.nextCA);
  });

  it('adopts the winner on an update race', async () => {
    const api = new FakeKubeAPI();
    seedTargets(api);
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const a = replica(api, clock);
    const b = replica(api, clock);
    await a.manager.reconcile();
    await clock.advance(61 * S);
    await Promise.all([a.manager.reconcile(), b.manager.reconcile()]);
    expect(a.served.pair?.certPEM).toBe(b.served.pair?.certPEM);
    expect(
      api.calls.filter((c) => c.verb === 'replace' && c.resource === 'secrets').length,
    ).toBeLessThanOrEqual(2);
  });

  it('replaces a Secret whose content is unusable', async () => {
    const api = new FakeKubeAPI();
    seedTargets(api);
    api.seed(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'ops', name: 'webhook-certs' },
      data: { junk: 'eA==' },
    } as KubeObject);
    const r = replica(api, new FakeClock());
    const state = await r.manager.reconcile();
    expect(r.served.pair).toEqual(state.serving);
  });

  it('stays not ready, saying why, while a target is missing', async () => {
    const api = new FakeKubeAPI();
    seedTargets(api, false);
    const r = replica(api, new FakeClock());
    await expect(r.manager.reconcile()).rejects.toThrow(
      'injecting the CA bundle into CustomResourceDefinition aimodels.ai.example.com: not found',
    );
    expect(r.manager.injectionReadiness()).toMatchObject({ ok: false });
    expect(r.served.pair).toBeDefined();
  });

  it('runs rounds through its clock: again soon after a failure, then when renewal is due, none once stopped', async () => {
    const api = new FakeKubeAPI();
    seedTargets(api, false);
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const r = replica(api, clock);
    r.manager.start();
    await clock.advance(0);
    expect(r.manager.injectionReadiness()).toMatchObject({ ok: false });
    expect(clock.nextTimerAt()).toBe(clock.now() + 500);
    seedCRD(api);
    await clock.advance(500);
    expect(r.manager.injectionReadiness()).toBe(true);
    // The serving certificate issued at the start is due for renewal after 2/3 of its 90 s, before the
    // check interval has passed.
    expect(clock.nextTimerAt()).toBe(Date.parse('2026-01-01T00:00:00Z') + 60 * S + 10);
    r.manager.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('is ready without injection when injection is off', async () => {
    const api = new FakeKubeAPI();
    const r = replica(api, new FakeClock(), false);
    await r.manager.reconcile();
    expect(r.manager.injectionReadiness()).toBe(true);
  });
});
