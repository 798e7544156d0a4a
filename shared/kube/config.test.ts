import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { accessCredentials } from './auth/access-credentials.ts';
import type { ClusterAccess } from './config/cluster-access.ts';
import { inClusterAccess } from './config/in-cluster.ts';
import { KubeConfigError, loadKubeConfig } from './config.ts';

const dirs: string[] = [];
const savedEnv = { ...process.env };
afterEach(() => {
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  process.env = { ...savedEnv };
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  dirs.push(dir);
  return dir;
}

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A kubeconfig with one cluster, user and context; `user` and `cluster` are YAML flow mappings. */
function kubeconfig(dir: string, user: string, cluster = '{server: "https://127.0.0.1:6443"}'): string {
  return write(
    dir,
    'config',
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: c, cluster: ${cluster}}]`,
      `users: [{name: u, user: ${user}}]`,
      'contexts: [{name: x, context: {cluster: c, user: u, namespace: ns}}]',
      'current-context: x',
    ].join('\n'),
  );
}

async function requestWith(access: ClusterAccess) {
  return accessCredentials(access).credentials();
}

describe('loadKubeConfig from a file', () => {
  it("sends the token of a user's tokenFile (client-go's field), relative to the kubeconfig", async () => {
    const dir = tempDir();
    write(dir, 'token', 'token-from-file\n');
    const access = loadKubeConfig(kubeconfig(dir, '{tokenFile: token}'));
    expect((await requestWith(access)).headers.Authorization).toBe('Bearer token-from-file');
    expect(access).toMatchObject({ cluster: { server: 'https://127.0.0.1:6443' }, namespace: 'ns' });
  });

  it('reads token-file the same way', async () => {
    const dir = tempDir();
    write(dir, 'token', 'other-token');
    const access = loadKubeConfig(kubeconfig(dir, `{token-file: ${join(dir, 'token')}}`));
    expect((await requestWith(access)).headers.Authorization).toBe('Bearer other-token');
  });

  it('sends a rewritten token file from the next request on', async () => {
    const dir = tempDir();
    const token = write(dir, 'token', 'first');
    const source = accessCredentials(loadKubeConfig(kubeconfig(dir, '{tokenFile: token}')));
    expect((await source.credentials()).headers.Authorization).toBe('Bearer first');
    writeFileSync(token, 'second');
    expect((await source.credentials()).headers.Authorization).toBe('Bearer second');
  });

  it('sends a plain token, or basic auth, and impersonation headers', async () => {
    const dir = tempDir();
    expect((await requestWith(loadKubeConfig(kubeconfig(dir, '{token: plain}')))).headers).toEqual({
      Authorization: 'Bearer plain',
    });
    const basic = loadKubeConfig(
      kubeconfig(dir, '{username: admin, password: secret, as: jane, as-groups: [a, b]}'),
    );
    expect((await requestWith(basic)).headers).toEqual({
      Authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}`,
      'Impersonate-User': 'jane',
      'Impersonate-Group': ['a', 'b'],
    });
  });

  it('reads certificate files relative to the kubeconfig and decodes inline data', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pki'));
    write(dir, 'pki/ca.crt', 'CA PEM');
    write(dir, 'pki/client.key', 'KEY PEM');
    const access = loadKubeConfig(
      kubeconfig(
        dir,
        `{client-certificate-data: ${Buffer.from('CERT PEM').toString('base64')}, client-key: pki/client.key}`,
        '{server: "https://10.0.0.1", certificate-authority: pki/ca.crt, tls-server-name: api.internal}',
      ),
    );
    const { tls } = await requestWith(access);
    expect({ ca: tls.ca?.toString(), cert: tls.cert?.toString(), key: tls.key?.toString() }).toEqual({
      ca: 'CA PEM',
      cert: 'CERT PEM',
      key: 'KEY PEM',
    });
    expect(tls.servername).toBe('api.internal');
    expect(tls.rejectUnauthorized).toBeUndefined();
  });

  it('skips server certificate checks only when insecure-skip-tls-verify says so', async () => {
    const dir = tempDir();
    const access = loadKubeConfig(
      kubeconfig(dir, '{token: t}', '{server: "https://127.0.0.1", insecure-skip-tls-verify: true}'),
    );
    expect((await requestWith(access)).tls.rejectUnauthorized).toBe(false);
  });

  it('keeps an exec plugin with its arguments, environment and a command relative to the kubeconfig', () => {
    const dir = tempDir();
    const access = loadKubeConfig(
      kubeconfig(
        dir,
        '{exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/login, args: [--quiet], env: [{name: A, value: b}], provideClusterInfo: true}}',
      ),
    );
    expect(access.user.exec).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      command: join(dir, 'bin/login'),
      args: ['--quiet'],
      env: [{ name: 'A', value: 'b' }],
      provideClusterInfo: true,
    });
  });

  it('accepts an http or https proxy-url', () => {
    const dir = tempDir();
    const access = loadKubeConfig(
      kubeconfig(dir, '{token: t}', '{server: "https://10.0.0.1", proxy-url: "http://proxy:3128"}'),
    );
    expect(access.cluster.proxyURL).toBe('http://proxy:3128');
  });
});

describe('loadKubeConfig refusals', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'an auth-provider user',
      '{auth-provider: {name: oidc}}',
      '{server: "https://a"}',
      /user u: auth-provider oidc/,
    ],
    [
      'a SOCKS proxy',
      '{token: t}',
      '{server: "https://a", proxy-url: "socks5://p:1080"}',
      /proxy-url with scheme socks5:/,
    ],
    ['a cluster without server', '{token: t}', '{}', /cluster c: server is not set/],
    [
      'a field of the wrong type',
      '{token: 12}',
      '{server: "https://a"}',
      /users\[0\]\.user\.token: must be a string/,
    ],
    [
      'an exec plugin of an unknown version',
      '{exec: {command: x, apiVersion: v0}}',
      '{server: "https://a"}',
      /exec\.apiVersion/,
    ],
  ];
  it.each(cases)('refuses %s, naming the file and the entry', (_what, user, cluster, message) => {
    const dir = tempDir();
    const path = kubeconfig(dir, user, cluster);
    let thrown: unknown;
    try {
      loadKubeConfig(path);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(KubeConfigError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).toContain(path);
  });

  it('refuses a missing current-context, an unknown cluster and text that is not YAML', () => {
    const dir = tempDir();
    expect(() => loadKubeConfig(write(dir, 'a', 'clusters: []'))).toThrow(/no current-context is set/);
    expect(() =>
      loadKubeConfig(
        write(dir, 'b', 'contexts: [{name: x, context: {cluster: gone, user: u}}]\ncurrent-context: x'),
      ),
    ).toThrow(/cluster "gone" is not defined/);
    expect(() => loadKubeConfig(write(dir, 'c', 'clusters: [\n'))).toThrow(/not YAML/);
    expect(() => loadKubeConfig(join(dir, 'missing'))).toThrow(/cannot read kubeconfig/);
  });

  it('uses an entry with an unsupported feature only if the current context does', () => {
    const dir = tempDir();
    const path = write(
      dir,
      'config',
      [
        'clusters: [{name: c, cluster: {server: "https://a"}}]',
        'users: [{name: old, user: {auth-provider: {name: gcp}}}, {name: u, user: {token: t}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
      ].join('\n'),
    );
    expect(loadKubeConfig(path).user).toEqual({ name: 'u', token: 't' });
  });
});

describe('loadKubeConfig from the default locations', () => {
  it('merges the files $KUBECONFIG lists: the first to name an entry or set current-context wins', () => {
    const first = tempDir();
    const second = tempDir();
    write(first, 'token', 'from-first');
    const a = write(
      first,
      'a',
      [
        'users: [{name: u, user: {tokenFile: token}}]',
        'clusters: [{name: c, cluster: {server: "https://first"}}]',
      ].join('\n'),
    );
    const b = write(
      second,
      'b',
      [
        'users: [{name: u, user: {token: from-second}}]',
        'clusters: [{name: c, cluster: {server: "https://second"}}, {name: d, cluster: {server: "https://d"}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
      ].join('\n'),
    );
    delete process.env.KUBERNETES_SERVICE_HOST;
    process.env.KUBECONFIG = [a, join(second, 'does-not-exist'), b].join(delimiter);
    const access = loadKubeConfig();
    expect(access.cluster.server).toBe('https://first');
    expect(access.user.tokenFile).toBe(join(first, 'token'));
    expect(access.source).toBe(`${a}, ${b}`);
  });

  it('falls back to ~/.kube/config, and says what to do when there is none', () => {
    const home = tempDir();
    delete process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBECONFIG;
    process.env.HOME = home;
    expect(() => loadKubeConfig()).toThrow(/no kubeconfig found: pass --kubeconfig, set KUBECONFIG/);
    mkdirSync(join(home, '.kube'));
    kubeconfig(join(home, '.kube'), '{token: t}');
    expect(loadKubeConfig().user.token).toBe('t');
  });
});

describe('inClusterAccess', () => {
  it('reaches the kubernetes Service with the mounted token and CA', async () => {
    const dir = tempDir();
    write(dir, 'token', 'sa-token');
    write(dir, 'ca.crt', 'SA CA');
    const access = inClusterAccess(
      { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      dir,
    );
    expect(access.cluster.server).toBe('https://[fd00::1]:443');
    const credentials = await requestWith(access);
    expect(credentials.headers.Authorization).toBe('Bearer sa-token');
    expect(credentials.tls.ca?.toString()).toBe('SA CA');
  });

  it('refuses an environment without the Service address', () => {
    expect(() => inClusterAccess({})).toThrow(KubeConfigError);
  });
});
