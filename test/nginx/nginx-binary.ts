// Where the tests find nginx: Debian's package (/usr/sbin/nginx), or NGINX_BINARY. Missing it is a clear
// error that says what to install, not a failure deep inside a test.
import { accessSync, constants } from 'node:fs';

export const NGINX_PACKAGES_HINT = 'apt-get install -y --no-install-recommends nginx libnginx-mod-http-js';
/** Debian's nginx keeps its dynamic modules (njs: libnginx-mod-http-js) here. */
export const DEBIAN_MODULES_DIRECTORY = '/usr/lib/nginx/modules';
const DEFAULT_BINARY = '/usr/sbin/nginx';

export class NginxNotInstalledError extends Error {
  readonly path: string;
  constructor(path: string, what: string) {
    super(`${what} not found at ${path}; install it with: ${NGINX_PACKAGES_HINT}`);
    this.name = 'NginxNotInstalledError';
    this.path = path;
  }
}

function requireFile(path: string, what: string, mode: number): string {
  try {
    accessSync(path, mode);
  } catch {
    throw new NginxNotInstalledError(path, what);
  }
  return path;
}

export function nginxBinary(): string {
  return requireFile(process.env.NGINX_BINARY ?? DEFAULT_BINARY, 'nginx', constants.X_OK);
}

/** The directory of nginx modules holding the njs module, which routes with API keys need. */
export function njsModulesDirectory(): string {
  const directory = process.env.NGINX_MODULES_DIRECTORY ?? DEBIAN_MODULES_DIRECTORY;
  requireFile(`${directory}/ngx_http_js_module.so`, 'the njs module of nginx', constants.R_OK);
  return directory;
}
