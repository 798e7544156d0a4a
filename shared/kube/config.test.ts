import { afterEach, describe, expect, it } from '@jest/globals';
import type { RequestOptions } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadKubeConfig } from './config.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function kubeconfigWithUser(user: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'token'), 'token-from-file');
  const path = join(dir, 'config');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]',
      `users: [{name: u, user: ${user}}]`,
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n'),
  );
  return path;
}

async function authorization(path: string): Promise<unknown> {
  const options: RequestOptions = { headers: {} };
  await loadKubeConfig(path).applyToHTTPSOptions(options);
  return (options.headers as Record<string, unknown>).Authorization;
}

describe('loadKubeConfig', () => {
  it("sends the token of a user's tokenFile (client-go's field), relative to the kubeconfig", async () => {
    expect(await authorization(kubeconfigWithUser('{tokenFile: token}'))).toBe('Bearer token-from-file');
  });

  it('reads a token-file through the same re-reading provider', async () => {
    const path = kubeconfigWithUser('{tokenFile: placeholder}');
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        'tokenFile: placeholder',
        `token-file: ${join(dirname(path), 'token')}`,
      ),
    );
    const kc = loadKubeConfig(path);
    expect(kc.getCurrentUser()?.authProvider).toMatchObject({ name: 'tokenFile' });
    expect(kc.getCurrentUser()?.token).toBeUndefined();
  });

  it('leaves a plain token alone', async () => {
    expect(await authorization(kubeconfigWithUser('{token: plain}'))).toBe('Bearer plain');
  });
});
