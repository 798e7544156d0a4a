import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { silentLogger } from '../../shared/logging/logger.ts';
import { createCertificateAuthority, createServerCertificate } from '../../shared/tls/certificates.ts';
import type { KeyPairPEM } from '../../shared/tls/certificates.ts';
import { startWebhookServer } from './webhook-server.ts';
import type { WebhookServer } from './webhook-server.ts';

const HOUR = 3600_000;
const ca = createCertificateAuthority({ commonName: 'test-ca', validForMs: HOUR });
const otherCA = createCertificateAuthority({ commonName: 'other-ca', validForMs: HOUR });
const serving = (issuer: KeyPairPEM, cn = 'webhook') =>
  createServerCertificate(issuer, { commonName: cn, validForMs: HOUR, ipAddresses: ['127.0.0.1'] });
// node-forge signs in JavaScript, slowly: make every pair once.
const fromCA = serving(ca);
const fromOtherCA = serving(otherCA);
const another = serving(ca);
jest.setTimeout(20_000);

let server: WebhookServer | undefined;
afterEach(async () => {
  await server?.close(100);
  server = undefined;
});

async function start(timeouts = {}): Promise<WebhookServer> {
  server = await startWebhookServer({
    app: (_req, res) => res.end('hello'),
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger,
    timeouts,
  });
  return server;
}

function get(port: number, caPEM: string): Promise<{ body: string; issuer: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', ca: caPEM, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        resolve({ body, issuer: String(cert.issuer?.CN ?? '') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('webhook server', () => {
  it('is not ready until a certificate is loaded, then serves TLS with it', async () => {
    const s = await start();
    expect(s.certificateReadiness()).toEqual({ ok: false, reason: 'no serving certificate loaded yet' });
    await expect(get(s.port, ca.certPEM)).rejects.toThrow();
    const info = s.loadCertificate(fromCA, 'test');
    expect(info.ipAddresses).toEqual(['127.0.0.1']);
    expect(s.certificateReadiness()).toBe(true);
    expect(await get(s.port, ca.certPEM)).toEqual({ body: 'hello', issuer: 'test-ca' });
  });

  it('swaps the certificate for new connections without a restart', async () => {
    const s = await start();
    s.loadCertificate(fromCA, 'first');
    expect((await get(s.port, ca.certPEM)).issuer).toBe('test-ca');
    s.loadCertificate(fromOtherCA, 'second');
    expect((await get(s.port, `${ca.certPEM}${otherCA.certPEM}`)).issuer).toBe('other-ca');
  });

  it('refuses a key that does not belong to the certificate and keeps the old pair', async () => {
    const s = await start();
    s.loadCertificate(fromCA, 'good');
    const mismatched = { certPEM: fromCA.certPEM, keyPEM: another.keyPEM };
    expect(() => s.loadCertificate(mismatched, '/certs')).toThrow('serving certificate from /certs:');
    expect(() => s.loadCertificate({ certPEM: 'junk', keyPEM: 'junk' }, '/certs')).toThrow(
      'no PEM certificate found',
    );
    expect((await get(s.port, ca.certPEM)).body).toBe('hello');
  });

  it('refuses an expired certificate', async () => {
    const s = await start();
    const expired = createServerCertificate(ca, {
      commonName: 'old',
      validForMs: 1000,
      now: new Date(Date.now() - 2 * HOUR),
      ipAddresses: ['127.0.0.1'],
    });
    expect(() => s.loadCertificate(expired, 'old')).toThrow(/expired at/);
  });

  it('refuses TLS 1.1', async () => {
    const s = await start();
    s.loadCertificate(fromCA, 'test');
    await expect(
      new Promise((resolve, reject) => {
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: s.port,
          ca: ca.certPEM,
          maxVersion: 'TLSv1.1',
          minVersion: 'TLSv1',
        });
        socket.on('secureConnect', () => resolve(socket.getProtocol()));
        socket.on('error', reject);
      }),
    ).rejects.toThrow();
  });

  it('prefers TLS 1.3 and offers TLS 1.2 clients forward-secret AEAD suites only', async () => {
    const s = await start();
    s.loadCertificate(fromCA, 'test');
    const handshake = (options: ConnectionOptions) =>
      new Promise<{ protocol: string | null; cipher: string }>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port: s.port, ca: ca.certPEM, ...options }, () => {
          resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().standardName });
          socket.end();
        });
        socket.on('error', reject);
      });
    expect((await handshake({})).protocol).toBe('TLSv1.3');
    expect(await handshake({ maxVersion: 'TLSv1.2' })).toEqual({
      protocol: 'TLSv1.2',
      cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    });
    // CBC and static-RSA suites, which a TLS 1.2 client might still offer, are refused.
    for (const ciphers of ['ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256:AES256-SHA']) {
      await expect(handshake({ maxVersion: 'TLSv1.2', ciphers })).rejects.toThrow(/handshake failure/);
    }
  });

  it('drops a client that never finishes its TLS handshake', async () => {
    const s = await start({ handshakeMs: 300 });
    s.loadCertificate(fromCA, 'test');
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const socket = netConnect(s.port, '127.0.0.1');
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers 408 to a client that sends its headers too slowly', async () => {
    const s = await start({ headersMs: 300, requestMs: 500 });
    s.loadCertificate(fromCA, 'test');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: s.port, ca: ca.certPEM }, () => {
        socket.write('POST /convert HTTP/1.1\r\nHost: x\r\n');
      });
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 408/);
  });
});
