// Where the gateway tests, the gateway benchmark and the demo find nginx and its njs module: the tree that
// scripts/nginx/build.sh puts in the cache, with the nginx and njs versions pinned in
// scripts/nginx/versions.env (the nginx line the chart's gateway image ships), or NGINX_BINARY and
// NGINX_MODULES_DIRECTORY when set. A missing tree is one clear error naming the build command, not a
// failure deep inside a test, and never a silent fall back to another nginx.
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX_BUILD_COMMAND = 'bash scripts/nginx/build.sh';
const VERSIONS_FILE = fileURLToPath(new URL('../../scripts/nginx/versions.env', import.meta.url));

export interface PinnedNginx {
  /** Debian package versions, e.g. 1.30.6-2 and 1.0.2-2. */
  nginxPackageVersion: string;
  njsPackageVersion: string;
  /** Upstream versions, e.g. 1.30.6 and 1.0.2. */
  nginxVersion: string;
  njsVersion: string;
}

/** The versions versions.env pins (KEY=value lines, as build.sh sources them). */
export function pinnedNginx(): PinnedNginx {
  const text = readFileSync(VERSIONS_FILE, 'utf8');
  const value = (key: string): string => {
    const match = new RegExp(`^${key}=(\\S+)$`, 'm').exec(text);
    if (!match?.[1]) throw new Error(`${VERSIONS_FILE} has no ${key}=`);
    return match[1];
  };
  const nginxPackageVersion = value('NGINX_PACKAGE_VERSION');
  const njsPackageVersion = value('NJS_PACKAGE_VERSION');
  // A Debian version is the upstream version, then "-" and Debian's revision.
  const upstream = (version: string) => version.replace(/-[^-]*$/, '');
  return {
    nginxPackageVersion,
    njsPackageVersion,
    nginxVersion: upstream(nginxPackageVersion),
    njsVersion: upstream(njsPackageVersion),
  };
}

/** The directory build.sh makes for the pinned versions (it may not exist yet). */
export function nginxBuildDirectory(): string {
  const cache = process.env.AGO_CACHE_DIR || join(homedir(), '.cache', 'ai-gateway-operator');
  const { nginxPackageVersion, njsPackageVersion } = pinnedNginx();
  return join(cache, 'nginx', `nginx-${nginxPackageVersion}-njs-${njsPackageVersion}`);
}

class NginxNotInstalledError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'NginxNotInstalledError';
    this.path = path;
  }
}

function requireFile(path: string, what: string, mode: number, fromEnvironment: string | undefined): string {
  try {
    accessSync(path, mode);
  } catch {
    if (fromEnvironment) {
      throw new NginxNotInstalledError(path, `${what} not found at ${path}, where ${fromEnvironment} points`);
    }
    const { nginxVersion, njsVersion } = pinnedNginx();
    throw new NginxNotInstalledError(
      path,
      `nginx ${nginxVersion} with njs ${njsVersion} is not built (no ${path}); build it with: ${NGINX_BUILD_COMMAND}`,
    );
  }
  return path;
}

export function nginxBinary(): string {
  const given = process.env.NGINX_BINARY;
  const path = given ?? join(nginxBuildDirectory(), 'bin', 'nginx');
  return requireFile(path, 'nginx', constants.X_OK, given && 'NGINX_BINARY');
}

/** The directory of nginx modules holding the njs module, which routes with API keys need. */
export function njsModulesDirectory(): string {
  const given = process.env.NGINX_MODULES_DIRECTORY;
  const directory = given ?? join(nginxBuildDirectory(), 'modules');
  requireFile(
    `${directory}/ngx_http_js_module.so`,
    'the njs module of nginx',
    constants.R_OK,
    given && 'NGINX_MODULES_DIRECTORY',
  );
  return directory;
}
