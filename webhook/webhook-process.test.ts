import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../shared/logging/logger.ts';
import type { Logger } from '../shared/logging/logger.ts';
import { createCertificateAuthority, createServerCertificate } from '../shared/tls/certificates.ts';
import { parseWebhookOptions } from './config/webhook-options.ts';
import { sharedDomain } from './domain/shared-domain.ts';
import { loadFixtureText } from './testdata/load-fixture.ts';
import { startWebhookProcess } from './webhook-process.ts';
import type { WebhookProcess } from './webhook-process.ts';

jest.setTimeout(30_000);

const ca = createCertificateAuthority({ commonName: 'process-ca', validForMs: 3600_000 });
const dir = mkdtempSync(join(tmpdir(), 'webhook-process-'));
let webhook: WebhookProcess;
/** Serving from the cert dir on loopback, without a cluster; the health flags are each test's. */
const CERT_DIR_FLAGS = [
  '--cert-mode=cert-dir',
  `--cert-dir=${dir}`,
  '--bind-address=127.0.0.1',
  '--port=0',
  '--reference-checks=false',
];

beforeAll(async () => {
  const pair = createServerCertificate(ca, {
    commonName: 'w',
    validForMs: 3600_000,
    ipAddresses: ['127.0.0.1'],
  });
  writeFileSync(join(dir, 'tls.crt'), pair.certPEM);
  writeFileSync(join(dir, 'tls.key'), pair.keyPEM);
  const options = parseWebhookOptions([...CERT_DIR_FLAGS, '--health-probe-bind-address=127.0.0.1:0'], {});
  webhook = await startWebhookProcess(options, sharedDomain, silentLogger);
});
afterAll(async () => {
  await webhook.stop();
  rmSync(dir, { recursive: true, force: true });
});

function post(path: string, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: webhook.port, path, method: 'POST', ca: ca.certPEM, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('webhook process from a cert dir, without a cluster', () => {
  it('is ready and reports the serving certificate check', async () => {
    const res = await fetch(`http://127.0.0.1:${webhook.healthPort}/readyz?verbose`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('[+]serving-certificate ok\nok\n');
  });

  it('validates with the shared rules over HTTPS', async () => {
    const { status, body } = await post(
      '/validate/apigatewayroutes',
      loadFixtureText('admission-create-route-invalid-port.json'),
    );
    expect(status).toBe(200);
    expect(body.response).toMatchObject({
      allowed: false,
      status: { message: expect.stringContaining('spec.destinationPort: Invalid value: 70000') },
    });
  });

  it('converts with the shared conversion', async () => {
    const { body } = await post('/convert', loadFixtureText('conversion-routes-mixed-to-v1.json'));
    expect(body.response).toMatchObject({ result: { status: 'Success' } });
  });

  it('exposes the webhook metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${webhook.healthPort}/metrics`)).text();
    expect(text).toContain('controller_runtime_webhook_requests_total{webhook="/convert",code="200"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('webhook process started with the deprecated health flags', () => {
  it('serves health where they say and warns once, naming the flag that replaces them', async () => {
    const warnings: { message: string; fields?: unknown }[] = [];
    const logger: Logger = {
      ...silentLogger,
      warn: (message: string, fields?: unknown) => void warnings.push({ message, fields }),
    };
    const options = parseWebhookOptions(
      [...CERT_DIR_FLAGS, '--health-bind-address=127.0.0.1', '--health-port=0'],
      {},
    );
    const old = await startWebhookProcess(options, sharedDomain, logger);
    try {
      expect((await fetch(`http://127.0.0.1:${old.healthPort}/readyz`)).status).toBe(200);
      expect(warnings).toEqual([
        {
          message: 'deprecated flags: use --health-probe-bind-address instead',
          fields: {
            deprecated: ['--health-bind-address', '--health-port'],
            use: ['--health-probe-bind-address'],
          },
        },
      ]);
    } finally {
      await old.stop();
    }
  });
});
