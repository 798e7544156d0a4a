import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecConfig } from '../config/cluster-access.ts';
import { ExecCredentialError, ExecCredentialProvider, parseExecCredential } from './exec-credential.ts';

const V1 = 'client.authentication.k8s.io/v1';
let dir: string;
let plugin: string;

// A credential plugin: counts its runs, records what it was given, and answers as PLUGIN_MODE says.
const PLUGIN = `
const fs = require('node:fs');
const dir = process.env.PLUGIN_DIR;
const runs = Number(fs.existsSync(dir + '/runs') ? fs.readFileSync(dir + '/runs', 'utf8') : '0') + 1;
fs.writeFileSync(dir + '/runs', String(runs));
fs.writeFileSync(dir + '/exec-info', process.env.KUBERNETES_EXEC_INFO);
if (process.env.PLUGIN_MODE === 'fail') { process.stderr.write('login required'); process.exit(3); }
const status = { token: 'token-' + runs };
if (process.env.PLUGIN_EXPIRES) status.expirationTimestamp = process.env.PLUGIN_EXPIRES;
process.stdout.write(JSON.stringify({ apiVersion: process.env.PLUGIN_VERSION || '${V1}', kind: 'ExecCredential', status }));
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'exec-plugin-'));
  plugin = join(dir, 'plugin.cjs');
  writeFileSync(plugin, PLUGIN);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function execConfig(env: Record<string, string> = {}, extra: Partial<ExecConfig> = {}): ExecConfig {
  rmSync(join(dir, 'runs'), { force: true });
  return {
    apiVersion: V1,
    command: process.execPath,
    args: [plugin],
    env: Object.entries({ PLUGIN_DIR: dir, ...env }).map(([name, value]) => ({ name, value })),
    provideClusterInfo: false,
    ...extra,
  };
}

const runs = () => Number(readFileSync(join(dir, 'runs'), 'utf8'));

describe('ExecCredentialProvider', () => {
  it('runs the plugin once for concurrent requests and keeps a credential without expiry', async () => {
    const provider = new ExecCredentialProvider(execConfig());
    const answers = await Promise.all([provider.get(), provider.get(), provider.get()]);
    expect(answers.map((a) => a.token)).toEqual(['token-1', 'token-1', 'token-1']);
    expect((await provider.get()).token).toBe('token-1');
    expect(runs()).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'exec-info'), 'utf8'))).toEqual({
      apiVersion: V1,
      kind: 'ExecCredential',
      spec: { interactive: false },
    });
  });

  it('runs the plugin again when the credential is about to expire', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const provider = new ExecCredentialProvider(
      execConfig({ PLUGIN_EXPIRES: '2026-01-01T00:05:00Z' }),
      undefined,
      () => now,
    );
    const first = await provider.get();
    now += 4 * 60_000;
    expect(await provider.get()).toBe(first);
    now += 55_000;
    expect((await provider.get()).token).toBe('token-2');
  });

  it('runs the plugin again after the server rejected the credential, not after an older one was', async () => {
    const provider = new ExecCredentialProvider(execConfig());
    const first = await provider.get();
    provider.reject(first);
    const second = await provider.get();
    expect(second.token).toBe('token-2');
    provider.reject(first);
    expect(await provider.get()).toBe(second);
    expect(runs()).toBe(2);
  });

  it('passes the cluster when provideClusterInfo is set', async () => {
    const provider = new ExecCredentialProvider(execConfig({}, { provideClusterInfo: true }), () => ({
      server: 'https://api:6443',
      'certificate-authority-data': 'Q0E=',
    }));
    await provider.get();
    expect(JSON.parse(readFileSync(join(dir, 'exec-info'), 'utf8')).spec).toEqual({
      interactive: false,
      cluster: { server: 'https://api:6443', 'certificate-authority-data': 'Q0E=' },
    });
  });

  it('reports a failing plugin with its exit code and standard error, and a missing one with its hint', async () => {
    await expect(new ExecCredentialProvider(execConfig({ PLUGIN_MODE: 'fail' })).get()).rejects.toThrow(
      /exited with 3: login required/,
    );
    const missing = execConfig(
      {},
      { command: join(dir, 'no-such-plugin'), installHint: 'install it with brew' },
    );
    await expect(new ExecCredentialProvider(missing).get()).rejects.toThrow(/ENOENT.*install it with brew/);
  });

  it('refuses an answer of another ExecCredential version', async () => {
    const provider = new ExecCredentialProvider(
      execConfig({ PLUGIN_VERSION: 'client.authentication.k8s.io/v1beta1' }),
    );
    await expect(provider.get()).rejects.toBeInstanceOf(ExecCredentialError);
  });
});

describe('parseExecCredential', () => {
  const answer = (status: unknown) => JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', status });

  it('takes a client certificate and key, and an expiry', () => {
    expect(
      parseExecCredential(
        answer({
          clientCertificateData: 'CERT',
          clientKeyData: 'KEY',
          expirationTimestamp: '2026-01-01T00:00:00Z',
        }),
        V1,
        'p',
      ),
    ).toEqual({
      clientCertificateData: 'CERT',
      clientKeyData: 'KEY',
      expiresAt: Date.parse('2026-01-01T00:00:00Z'),
    });
  });

  it.each([
    ['no credential at all', answer({})],
    ['a certificate without its key', answer({ clientCertificateData: 'CERT' })],
    ['an expiry that is not a time', answer({ token: 't', expirationTimestamp: 'soon' })],
    ['text that is not JSON', 'Please log in'],
  ])('refuses %s', (_what, stdout) => {
    expect(() => parseExecCredential(stdout, V1, 'p')).toThrow(ExecCredentialError);
  });
});
