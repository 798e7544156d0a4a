import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../shared/logging/logger.ts';
import { createCertificateAuthority, createServerCertificate } from '../../shared/tls/certificates.ts';
import type { KeyPairPEM } from '../../shared/tls/certificates.ts';
import { checkServingCertificate } from '../tls/serving-certificate.ts';
import { CertDirSource } from './cert-dir-source.ts';

// node-forge signs certificates in JavaScript, which is slow on a busy machine.
jest.setTimeout(30_000);

const ca = createCertificateAuthority({ commonName: 'ca', validForMs: 3600_000 });
const pair = () => createServerCertificate(ca, { commonName: 'w', validForMs: 3600_000, dnsNames: ['w'] });

let dir: string | undefined;
let source: CertDirSource | undefined;
afterEach(() => {
  source?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  dir = mkdtempSync(join(tmpdir(), 'webhook-certs-'));
  const served: KeyPairPEM[] = [];
  const server = {
    loadCertificate: (p: KeyPairPEM, from: string) => {
      checkServingCertificate(p, from);
      served.push(p);
    },
  };
  source = new CertDirSource({ dir, server, logger: silentLogger, debounceMs: 50, pollIntervalMs: 60_000 });
  return { dir, served, source };
}

function write(d: string, p: KeyPairPEM) {
  writeFileSync(join(d, 'tls.crt'), p.certPEM);
  writeFileSync(join(d, 'tls.key'), p.keyPEM);
}

async function waitFor(condition: () => boolean, ms = 3000) {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

describe('CertDirSource', () => {
  it('serves the files, follows a change and ignores rewrites of the same content', async () => {
    const { dir: d, served, source: s } = setup();
    const first = pair();
    write(d, first);
    expect(await s.start()).toBe(true);
    expect(served).toEqual([first]);

    const second = pair();
    write(d, second);
    await waitFor(() => served.length === 2);
    expect(served[1]).toEqual(second);

    write(d, second);
    await new Promise((r) => setTimeout(r, 200));
    expect(served).toHaveLength(2);
  });

  it('keeps the current pair when the new files are broken or half written', async () => {
    const { dir: d, served, source: s } = setup();
    const first = pair();
    write(d, first);
    await s.start();
    writeFileSync(join(d, 'tls.crt'), pair().certPEM);
    expect(await s.reload()).toBe(false);
    writeFileSync(join(d, 'tls.key'), 'not a key');
    expect(await s.reload()).toBe(false);
    expect(served).toEqual([first]);
  });

  it('reports missing files without throwing', async () => {
    const { source: s } = setup();
    expect(await s.start()).toBe(false);
  });
});
