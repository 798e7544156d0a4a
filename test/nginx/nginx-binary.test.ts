// How the tests find nginx: the directory scripts/nginx/build.sh fills, named the same way by both, and
// one clear error naming the build command when it is missing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  NGINX_BUILD_COMMAND,
  nginxBinary,
  nginxBuildDirectory,
  njsModulesDirectory,
  pinnedNginx,
} from './nginx-binary.ts';

const BUILD_SCRIPT = fileURLToPath(new URL('../../scripts/nginx/build.sh', import.meta.url));
const VARIABLES = ['AGO_CACHE_DIR', 'NGINX_BINARY', 'NGINX_MODULES_DIRECTORY'] as const;

describe('the nginx the tests run', () => {
  let cache: string;
  const saved = new Map<string, string | undefined>();

  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'nginx-binary-'));
    for (const name of VARIABLES) saved.set(name, process.env[name]);
    for (const name of VARIABLES) delete process.env[name];
    process.env.AGO_CACHE_DIR = cache;
  });

  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(cache, { recursive: true, force: true });
  });

  it('reads the pinned versions as Debian versions and their upstream versions', () => {
    const pinned = pinnedNginx();
    expect(pinned.nginxPackageVersion).toMatch(/^\d+\.\d+\.\d+-\S+$/);
    expect(pinned.nginxPackageVersion.startsWith(`${pinned.nginxVersion}-`)).toBe(true);
    expect(pinned.njsPackageVersion.startsWith(`${pinned.njsVersion}-`)).toBe(true);
  });

  it('is looked for where build.sh puts it', () => {
    const directory = nginxBuildDirectory();
    expect(directory.startsWith(join(cache, 'nginx') + '/')).toBe(true);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, '.complete'), '');
    const answer = execFileSync('bash', [BUILD_SCRIPT, '--check'], {
      env: { ...process.env },
      encoding: 'utf8',
    });
    expect(answer.trim()).toBe(`cached: ${directory}`);
  });

  it('when not built, is one error that names the versions and the build command', () => {
    const { nginxVersion, njsVersion } = pinnedNginx();
    const message = `nginx ${nginxVersion} with njs ${njsVersion} is not built (no ${nginxBuildDirectory()}/bin/nginx); build it with: ${NGINX_BUILD_COMMAND}`;
    expect(() => nginxBinary()).toThrow(message);
    expect(() => njsModulesDirectory()).toThrow(`build it with: ${NGINX_BUILD_COMMAND}`);
  });

  it('is taken from NGINX_BINARY and NGINX_MODULES_DIRECTORY when they are set', () => {
    const binary = join(cache, 'nginx-bin');
    writeFileSync(binary, '', { mode: 0o755 });
    writeFileSync(join(cache, 'ngx_http_js_module.so'), '');
    process.env.NGINX_BINARY = binary;
    process.env.NGINX_MODULES_DIRECTORY = cache;
    expect(nginxBinary()).toBe(binary);
    expect(njsModulesDirectory()).toBe(cache);
    process.env.NGINX_BINARY = join(cache, 'missing');
    expect(() => nginxBinary()).toThrow(`nginx not found at ${cache}/missing, where NGINX_BINARY points`);
  });
});
