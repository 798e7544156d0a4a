import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { writeSecretVolume } from '../test/nginx/secret-volume.ts';
import { MountedConfigError, readMountedConfig } from './mounted-config.ts';

const answer = (hash: string) => `return 200 '{"configHash":"${hash}"}';`;
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mounted-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readMountedConfig', () => {
  it("reads the hash of the version `..data` points at, and a new version after the kubelet's swap", async () => {
    await writeSecretVolume(dir, { 'nginx.conf': answer(A) });
    const first = await readMountedConfig(dir);
    expect(first.hash).toBe(A);
    await writeSecretVolume(dir, { 'nginx.conf': answer(B) });
    const second = await readMountedConfig(dir);
    expect(second.hash).toBe(B);
    expect(second.version).not.toBe(first.version);
  });

  it('refuses a directory that is not a ConfigMap volume, and a configuration without its hash', async () => {
    await writeFile(join(dir, 'nginx.conf'), answer(A));
    await expect(readMountedConfig(dir)).rejects.toThrow(MountedConfigError);
    await writeSecretVolume(join(dir, 'volume'), { 'nginx.conf': 'events {}\n' });
    await expect(readMountedConfig(join(dir, 'volume'))).rejects.toThrow(
      'has no configuration status location',
    );
  });
});
