import { describe, expect, it, jest } from '@jest/globals';
import { Registry } from 'prom-client';
import { createCertificateAuthority, describeCertificate } from '../../shared/tls/certificates.ts';
import type { CertificateInfo, KeyPairPEM } from '../../shared/tls/certificates.ts';
import type { WebhookServer } from '../http/webhook-server.ts';
import { createCertificateExpiryMetrics } from './certificate-expiry-metrics.ts';

const HOUR = 3600_000;
// node-forge signs in JavaScript, slowly: make every certificate once.
const oldCA = createCertificateAuthority({ commonName: 'old-ca', validForMs: 2 * HOUR });
const newCA = createCertificateAuthority({ commonName: 'new-ca', validForMs: 10 * HOUR });
jest.setTimeout(20_000);

async function expiries(registry: Registry): Promise<Record<string, number>> {
  const [metric] = await registry.getMetricsAsJSON();
  return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels.certificate), v.value]));
}

/** The fake server judges the pair itself; what it holds does not matter. */
const serving: KeyPairPEM = { certPEM: 'certificate', keyPEM: 'key' };

function fakeServer(accept: (pair: KeyPairPEM) => CertificateInfo): WebhookServer {
  return {
    host: '127.0.0.1',
    port: 1,
    loadCertificate: (pair) => accept(pair),
    certificateReadiness: () => true,
    close: async () => undefined,
  };
}

describe('createCertificateExpiryMetrics', () => {
  it('records the expiry of the certificate the server accepted, and none it refused', async () => {
    const registry = new Registry();
    const metrics = createCertificateExpiryMetrics(registry);
    const notAfter = new Date(Date.UTC(2030, 0, 1));
    let refuse = false;
    const server = metrics.observeServing(
      fakeServer(() => {
        if (refuse) throw new Error('expired');
        return { notAfter } as CertificateInfo;
      }),
    );
    expect(await expiries(registry)).toEqual({});
    server.loadCertificate(serving, 'test');
    expect(await expiries(registry)).toEqual({ serving: notAfter.getTime() / 1000 });
    refuse = true;
    expect(() => server.loadCertificate(serving, 'test')).toThrow('expired');
    expect(await expiries(registry)).toEqual({ serving: notAfter.getTime() / 1000 });
  });

  it('records the latest expiry of a bundle once it is injected', async () => {
    const registry = new Registry();
    const metrics = createCertificateExpiryMetrics(registry);
    let fail = true;
    const injector = metrics.observeTrustBundle({
      inject: async () => {
        if (fail) throw new Error('forbidden');
      },
    });
    const bundle = oldCA.certPEM + newCA.certPEM;
    await expect(injector.inject(bundle)).rejects.toThrow('forbidden');
    expect(await expiries(registry)).toEqual({});
    fail = false;
    await injector.inject(bundle);
    // The old CA expires first; the new one is what the API server keeps trusting.
    expect(await expiries(registry)).toEqual({
      ca: describeCertificate(newCA.certPEM).notAfter.getTime() / 1000,
    });
  });
});
