import { describe, expect, it, jest } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { describeCertificate } from '../../shared/tls/certificates.ts';
import { createCertificateIssuer } from './certificate-issuer.ts';
import type { CertificateState, RotationPolicy } from './certificate-state.ts';
import { serviceIdentity } from './certificate-state.ts';
import { InvalidServingNameError } from './serving-names.ts';
import { decodeCertificateSecret, encodeCertificateSecret } from './certificate-secret.ts';
import { nextRotationTime, planCertificates } from './plan-certificates.ts';

// node-forge signs certificates in JavaScript, which is slow on a busy machine.
jest.setTimeout(30_000);

const S = 1000;
const policy: RotationPolicy = {
  caValidityMs: 300 * S,
  servingValidityMs: 90 * S,
  renewAfterFraction: 2 / 3,
  caAnnounceLeadMs: 10 * S,
};
const identity = serviceIdentity('webhook', 'ops', ['127.0.0.1', 'webhook.example.com']);
const issuer = createCertificateIssuer('test-webhook-ca', 1024);
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * S);
const plan = (current: CertificateState | undefined, seconds: number) =>
  planCertificates(current, { now: at(seconds), policy, identity, issuer });

function signedBy(certPEM: string, caPEM: string): boolean {
  const cert = new X509Certificate(certPEM);
  return cert.checkIssued(new X509Certificate(caPEM)) && cert.verify(new X509Certificate(caPEM).publicKey);
}

describe('serviceIdentity', () => {
  it('names the Service in every form the API server may use, plus extra names and IPs', () => {
    expect(identity).toEqual({
      commonName: 'webhook.ops.svc',
      dnsNames: [
        'webhook',
        'webhook.ops',
        'webhook.ops.svc',
        'webhook.ops.svc.cluster.local',
        'webhook.example.com',
      ],
      ipAddresses: ['127.0.0.1'],
    });
  });
});

describe('serviceIdentity', () => {
  it('keeps IP addresses in one spelling, IPv6 lower-case and compressed', () => {
    const spelled = serviceIdentity('webhook', 'ops', ['2001:DB8::1', 'fd00:0:0::1', '::ffff:10.0.0.1']);
    expect(spelled.ipAddresses).toEqual(['2001:db8::1', 'fd00::1', '::ffff:a00:1']);
    expect(serviceIdentity('webhook', 'ops', ['fd00::1', 'FD00:0::1']).ipAddresses).toEqual(['fd00::1']);
  });

  it.each(['10.0.0.256', '1.2.3', '010.0.0.1', 'fe80::1%eth0', '2001:db8::g', 'host:8443'])(
    'refuses %j, which is meant as an IP address but is none',
    (name) => {
      expect(() => serviceIdentity('webhook', 'ops', [name])).toThrow(InvalidServingNameError);
      expect(() => serviceIdentity('webhook', 'ops', [name])).toThrow(
        `serving certificate name ${JSON.stringify(name)}: must be a DNS name or an IP address`,
      );
    },
  );
});

describe('planCertificates', () => {
  it.each([
    ['as configured', serviceIdentity('webhook', 'ops', ['2001:DB8::1', 'fd00:0:0::1', '::ffff:10.0.0.1'])],
    ['given by hand', { ...identity, ipAddresses: ['2001:DB8::1', 'fd00:0:0::1'] }],
  ])('keeps a certificate whose IPv6 addresses are spelled differently %s', (_how, spelled) => {
    const ctx = { policy, identity: spelled, issuer };
    const first = planCertificates(undefined, { ...ctx, now: at(0) });
    expect(first.changes).toContain('no serving certificate; issued a serving certificate');
    expect(planCertificates(first.state, { ...ctx, now: at(1) })).toEqual({
      state: first.state,
      changes: [],
    });
  });

  it('creates a CA and a serving certificate for the identity, and then keeps them', () => {
    const first = plan(undefined, 0);
    expect(first.changes).toEqual(['created a CA', 'no serving certificate; issued a serving certificate']);
    const info = describeCertificate(first.state.serving.certPEM);
    expect(info.dnsNames).toEqual(identity.dnsNames);
    expect(info.ipAddresses).toEqual(['127.0.0.1']);
    expect(signedBy(first.state.serving.certPEM, first.state.ca.certPEM)).toBe(true);
    expect(first.state.trustBundle).toEqual([first.state.ca.certPEM]);
    expect(plan(first.state, 30)).toEqual({ state: first.state, changes: [] });
  });

  it('renews the serving certificate at 2/3 of its lifetime under the same CA', () => {
    const first = plan(undefined, 0).state;
    expect(plan(first, 59).changes).toEqual([]);
    const renewed = plan(first, 61);
    expect(renewed.changes).toEqual(['serving certificate due for renewal; issued a serving certificate']);
    expect(renewed.state.ca).toBe(first.ca);
    expect(renewed.state.serving.certPEM).not.toBe(first.serving.certPEM);
  });

  it('re-issues the serving certificate when the names change', () => {
    const first = plan(undefined, 0).state;
    const moved = planCertificates(first, {
      now: at(1),
      policy,
      identity: serviceIdentity('webhook', 'other', []),
      issuer,
    });
    expect(moved.changes).toEqual(['serving certificate names changed; issued a serving certificate']);
  });

  it('rotates the CA in two steps: trusted first, signing after the lead time, old CA kept trusted', () => {
    let state = plan(undefined, 0).state;
    const oldCA = state.ca;
    // Serving renewals along the way keep the old CA.
    for (const t of [61, 122, 183]) state = plan(state, t).state;
    expect(state.ca).toEqual(oldCA);

    const announced = plan(state, 201);
    expect(announced.changes).toContain('CA due for renewal; announced the next CA');
    expect(announced.state.ca).toEqual(oldCA);
    expect(announced.state.serving).toEqual(state.serving);
    const nextCA = announced.state.nextCA;
    expect(nextCA).toBeDefined();
    expect(announced.state.trustBundle).toEqual([oldCA.certPEM, nextCA?.certPEM]);
    expect(plan(announced.state, 205).changes).toEqual([]);

    const promoted = plan(announced.state, 212);
    expect(promoted.changes).toEqual([
      'promoted the next CA to signing',
      'serving certificate not signed by the current CA; issued a serving certificate',
      'trust bundle updated',
    ]);
    expect(promoted.state.ca).toEqual(nextCA);
    expect(promoted.state.nextCA).toBeUndefined();
    expect(signedBy(promoted.state.serving.certPEM, nextCA?.certPEM ?? '')).toBe(true);
    expect(promoted.state.trustBundle).toEqual([nextCA?.certPEM, oldCA.certPEM]);

    // The old CA leaves the bundle once it has expired.
    const later = plan(promoted.state, 301);
    expect(later.state.trustBundle).toEqual([nextCA?.certPEM]);
    expect(later.changes).toContain('trust bundle updated');
  });

  it('starts over with a new CA when the stored one is unusable', () => {
    const first = plan(undefined, 0).state;
    const broken = { ...first, ca: { ...first.ca, keyPEM: first.serving.keyPEM } };
    const next = plan(broken, 1);
    expect(next.changes[0]).toBe('current CA unusable; created a new CA');
    expect(signedBy(next.state.serving.certPEM, next.state.ca.certPEM)).toBe(true);
  });

  it('lets the next CA sign only the lead time after this process injected it', () => {
    const announced = plan(plan(undefined, 0).state, 201).state;
    const notInjected = { policy, identity, issuer, injectedSince: () => undefined };
    expect(planCertificates(announced, { ...notInjected, now: at(250) }).state.ca).toEqual(announced.ca);
    // Until the next CA is injected, only the serving certificate (issued at 201) has a due time.
    expect(nextRotationTime(announced, policy, notInjected.injectedSince)).toEqual(at(261));

    const injected = { ...notInjected, injectedSince: () => at(250) };
    expect(nextRotationTime(announced, policy, injected.injectedSince)).toEqual(at(260));
    expect(planCertificates(announced, { ...injected, now: at(259) }).state.ca).toEqual(announced.ca);
    expect(planCertificates(announced, { ...injected, now: at(260) }).state.ca).toEqual(announced.nextCA);
  });

  it('tells when the next change is due', () => {
    const first = plan(undefined, 0).state;
    expect(nextRotationTime(first, policy)?.getTime()).toBe(at(60).getTime());
  });
});

describe('certificate Secret layout', () => {
  it('round-trips a state, next CA included', () => {
    const announced = plan(plan(undefined, 0).state, 201).state;
    expect(decodeCertificateSecret(encodeCertificateSecret(announced))).toEqual(announced);
  });

  it('names the keys a Secret lacks', () => {
    expect(() => decodeCertificateSecret({ 'tls.crt': 'eA==' })).toThrow(
      'certificate Secret lacks tls.key, ca-signing.crt, ca-signing.key',
    );
  });
});
