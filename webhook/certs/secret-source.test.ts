import { describe, expect, it, jest } from '@jest/globals';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { FakeKubeAPI } from '../../shared/kube/testing/fake-kube-api.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { FakeClock } from '../../shared/time/testing/fake-clock.ts';
import { createCertificateAuthority, createServerCertificate } from '../../shared/tls/certificates.ts';
import type { KeyPairPEM } from '../../shared/tls/certificates.ts';
import { SECRETS } from '../../shared/kube/well-known-resources.ts';
import { kubeCertificateSecretStore } from './certificate-secret-store.ts';
import { SecretSource } from './secret-source.ts';

jest.setTimeout(30_000);

const ca = createCertificateAuthority({ commonName: 'byo-ca', validForMs: 3600_000, keyBits: 1024 });
const pair = createServerCertificate(ca, {
  commonName: 'w',
  validForMs: 3600_000,
  dnsNames: ['w'],
  keyBits: 1024,
});
const b64 = (s: string) => Buffer.from(s).toString('base64');

function setup(data?: Record<string, string>, clock?: FakeClock) {
  const api = new FakeKubeAPI();
  if (data) {
    api.seed(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'ops', name: 'byo' },
      data,
    } as KubeObject);
  }
  const served: KeyPairPEM[] = [];
  const source = new SecretSource({
    store: kubeCertificateSecretStore(api, 'ops', 'byo'),
    server: { loadCertificate: (p: KeyPairPEM) => served.push(p) },
    logger: silentLogger,
    pollIntervalMs: 60_000,
    ...(clock ? { clock } : {}),
  });
  return { api, served, source };
}

describe('SecretSource', () => {
  it('serves tls.crt and tls.key of a Secret it never writes', async () => {
    const { api, served, source } = setup({ 'tls.crt': b64(pair.certPEM), 'tls.key': b64(pair.keyPEM) });
    expect(await source.reload()).toBe(true);
    expect(await source.reload()).toBe(true);
    expect(served).toEqual([pair]);
    expect(api.writeCount()).toBe(0);
  });

  it('reports a missing Secret or an unreadable one without throwing', async () => {
    expect(await setup().source.reload()).toBe(false);
    const failing = setup({ 'tls.crt': b64(pair.certPEM), 'tls.key': b64(pair.keyPEM) });
    failing.api.failNext('get', FakeKubeAPI.apiError('GET', 403, 'Forbidden'));
    expect(await failing.source.reload()).toBe(false);
  });

  it('reads the Secret again every poll interval until stopped', async () => {
    const clock = new FakeClock();
    const { api, source } = setup({ 'tls.crt': b64(pair.certPEM), 'tls.key': b64(pair.keyPEM) }, clock);
    const gets = () => api.calls.filter((c) => c.verb === 'get').length;
    expect(await source.start()).toBe(true);
    expect(gets()).toBe(1);
    await clock.advance(59_999);
    expect(gets()).toBe(1);
    await clock.advance(1);
    expect(gets()).toBe(2);
    await clock.advance(60_000);
    expect(gets()).toBe(3);
    source.stop();
    await clock.advance(600_000);
    expect(gets()).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });
});
