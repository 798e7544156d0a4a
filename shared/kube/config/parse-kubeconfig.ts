// Reads one kubeconfig file's text into typed entries, as client-go's v1 Config: clusters, users and
// contexts by name, and current-context. Relative paths (certificate files, token file, an exec command
// with a slash) are made absolute against the file's directory, as client-go does. What this client
// does not support (auth-provider plugins, SOCKS proxies) is recorded on the entry, so that only a
// context that uses it fails.
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { errorMessage } from '../../util/error-message.ts';
import type { ClusterSettings, ExecConfig, UserSettings } from './cluster-access.ts';
import { KubeConfigError } from './kube-config-error.ts';

interface NamedCluster {
  name: string;
  cluster: ClusterSettings;
  unsupported?: string;
}

interface NamedUser {
  name: string;
  user: UserSettings;
  unsupported?: string;
}

interface NamedContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

export interface KubeconfigFile {
  path: string;
  clusters: NamedCluster[];
  users: NamedUser[];
  contexts: NamedContext[];
  currentContext?: string;
}

const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
const PROXY_SCHEMES = ['http:', 'https:'];

type Fields = Record<string, unknown>;

/** Field access that names the file and the field in every complaint. */
class Reader {
  readonly path: string;
  private readonly dir: string;
  constructor(path: string) {
    this.path = path;
    this.dir = dirname(path);
  }

  fail(where: string, message: string): never {
    throw new KubeConfigError(`${this.path}: ${where}: ${message}`, this.path);
  }

  object(value: unknown, where: string): Fields {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(where, 'must be a mapping');
    return value as Fields;
  }

  list(value: unknown, where: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(where, 'must be a list');
    return value;
  }

  string(fields: Fields, key: string, where: string): string | undefined {
    const value = fields[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') this.fail(`${where}.${key}`, 'must be a string');
    return value;
  }

  boolean(fields: Fields, key: string, where: string): boolean {
    const value = fields[key];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') this.fail(`${where}.${key}`, 'must be true or false');
    return value;
  }

  strings(fields: Fields, key: string, where: string): string[] {
    return this.list(fields[key], `${where}.${key}`).map((item, i) => {
      if (typeof item !== 'string') this.fail(`${where}.${key}[${i}]`, 'must be a string');
      return item;
    });
  }

  base64(fields: Fields, key: string, where: string): Buffer | undefined {
    const value = this.string(fields, key, where);
    return value === undefined ? undefined : Buffer.from(value, 'base64');
  }

  file(fields: Fields, key: string, where: string): string | undefined {
    const value = this.string(fields, key, where);
    return value === undefined || isAbsolute(value) ? value : join(this.dir, value);
  }

  /** An exec command with a path separator is relative to the kubeconfig; a bare name is found on PATH. */
  command(value: string): string {
    return value.includes('/') && !isAbsolute(value) ? join(this.dir, value) : value;
  }
}

function named(r: Reader, value: unknown, where: string): { name: string; fields: Fields } {
  const entry = r.object(value, where);
  const name = r.string(entry, 'name', where);
  if (name === undefined) r.fail(`${where}.name`, 'is required');
  return { name, fields: entry };
}

function parseCluster(r: Reader, fields: Fields, where: string): Omit<NamedCluster, 'name'> {
  const caFile = r.file(fields, 'certificate-authority', where);
  const caData = r.base64(fields, 'certificate-authority-data', where);
  const tlsServerName = r.string(fields, 'tls-server-name', where);
  const proxyURL = r.string(fields, 'proxy-url', where);
  const cluster: ClusterSettings = {
    server: r.string(fields, 'server', where) ?? '',
    insecureSkipTLSVerify: r.boolean(fields, 'insecure-skip-tls-verify', where),
    ...(caFile ? { caFile } : {}),
    ...(caData ? { caData } : {}),
    ...(tlsServerName ? { tlsServerName } : {}),
    ...(proxyURL ? { proxyURL } : {}),
  };
  if (proxyURL === undefined) return { cluster };
  let scheme: string;
  try {
    scheme = new URL(proxyURL).protocol;
  } catch {
    r.fail(`${where}.proxy-url`, `not a URL: ${JSON.stringify(proxyURL)}`);
  }
  return PROXY_SCHEMES.includes(scheme)
    ? { cluster }
    : { cluster, unsupported: `proxy-url with scheme ${scheme} (only http and https proxies are supported)` };
}

function parseExec(r: Reader, value: unknown, where: string): ExecConfig {
  const fields = r.object(value, where);
  const command = r.string(fields, 'command', where);
  if (command === undefined) r.fail(`${where}.command`, 'is required');
  const apiVersion = r.string(fields, 'apiVersion', where);
  if (apiVersion === undefined || !EXEC_API_VERSIONS.includes(apiVersion)) {
    r.fail(`${where}.apiVersion`, `must be one of ${EXEC_API_VERSIONS.join(', ')}`);
  }
  const env = r.list(fields.env, `${where}.env`).map((item, i) => {
    const entry = r.object(item, `${where}.env[${i}]`);
    const name = r.string(entry, 'name', `${where}.env[${i}]`);
    if (name === undefined) r.fail(`${where}.env[${i}].name`, 'is required');
    return { name, value: r.string(entry, 'value', `${where}.env[${i}]`) ?? '' };
  });
  const installHint = r.string(fields, 'installHint', where);
  return {
    apiVersion,
    command: r.command(command),
    args: r.strings(fields, 'args', where),
    env,
    provideClusterInfo: r.boolean(fields, 'provideClusterInfo', where),
    ...(installHint ? { installHint } : {}),
  };
}

function parseUser(r: Reader, name: string, fields: Fields, where: string): Omit<NamedUser, 'name'> {
  const impersonateUser = r.string(fields, 'as', where);
  const impersonateGroups = r.strings(fields, 'as-groups', where);
  const settings: Record<string, unknown> = {
    name,
    token: r.string(fields, 'token', where),
    // client-go writes tokenFile; some tools token-file.
    tokenFile: r.file(fields, 'tokenFile', where) ?? r.file(fields, 'token-file', where),
    username: r.string(fields, 'username', where),
    password: r.string(fields, 'password', where),
    clientCertificateFile: r.file(fields, 'client-certificate', where),
    clientCertificateData: r.base64(fields, 'client-certificate-data', where),
    clientKeyFile: r.file(fields, 'client-key', where),
    clientKeyData: r.base64(fields, 'client-key-data', where),
    exec:
      fields.exec === undefined || fields.exec === null
        ? undefined
        : parseExec(r, fields.exec, `${where}.exec`),
    impersonate:
      impersonateUser || impersonateGroups.length > 0
        ? { ...(impersonateUser ? { user: impersonateUser } : {}), groups: impersonateGroups }
        : undefined,
  };
  const user = Object.fromEntries(
    Object.entries(settings).filter(([, v]) => v !== undefined),
  ) as unknown as UserSettings;
  const provider = r.object(fields['auth-provider'], `${where}.auth-provider`);
  if (Object.keys(provider).length === 0) return { user };
  const kind = typeof provider.name === 'string' ? provider.name : 'unnamed';
  return { user, unsupported: `auth-provider ${kind} (use an exec credential plugin instead)` };
}

export function parseKubeconfig(text: string, path: string): KubeconfigFile {
  const r = new Reader(path);
  let document: unknown;
  try {
    document = parse(text);
  } catch (err) {
    throw new KubeConfigError(`${path}: not YAML: ${errorMessage(err)}`, path, { cause: err });
  }
  const top = r.object(document, 'document');
  const clusters = r.list(top.clusters, 'clusters').map((value, i) => {
    const { name, fields } = named(r, value, `clusters[${i}]`);
    return {
      name,
      ...parseCluster(r, r.object(fields.cluster, `clusters[${i}].cluster`), `clusters[${i}].cluster`),
    };
  });
  const users = r.list(top.users, 'users').map((value, i) => {
    const { name, fields } = named(r, value, `users[${i}]`);
    return { name, ...parseUser(r, name, r.object(fields.user, `users[${i}].user`), `users[${i}].user`) };
  });
  const contexts = r.list(top.contexts, 'contexts').map((value, i) => {
    const { name, fields } = named(r, value, `contexts[${i}]`);
    const where = `contexts[${i}].context`;
    const context = r.object(fields.context, where);
    const namespace = r.string(context, 'namespace', where);
    return {
      name,
      cluster: r.string(context, 'cluster', where) ?? '',
      user: r.string(context, 'user', where) ?? '',
      ...(namespace ? { namespace } : {}),
    };
  });
  const currentContext = r.string(top, 'current-context', 'document');
  return { path, clusters, users, contexts, ...(currentContext ? { currentContext } : {}) };
}
