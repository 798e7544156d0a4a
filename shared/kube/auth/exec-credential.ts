// Credentials from a client-go credential plugin (kubeconfig users[].user.exec), as client-go runs them:
// the command gets KUBERNETES_EXEC_INFO (an ExecCredential saying it is not interactive, and the cluster
// when provideClusterInfo is set) and prints an ExecCredential whose status holds a token and/or a client
// certificate and key. The answer is kept until its expirationTimestamp, or until the API server rejects
// it (401); one run serves every request waiting for it.
import { spawn } from 'node:child_process';
import type { ExecConfig } from '../config/cluster-access.ts';

export interface ExecStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Milliseconds since the epoch; absent: valid until the server rejects it. */
  expiresAt?: number;
}

/** What the plugin may learn about the cluster (provideClusterInfo). */
export interface ExecClusterInfo {
  server: string;
  'certificate-authority-data'?: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'proxy-url'?: string;
}

export class ExecCredentialError extends Error {
  readonly command: string;
  constructor(command: string, message: string, options?: ErrorOptions) {
    super(`exec credential plugin ${command}: ${message}`, options);
    this.name = 'ExecCredentialError';
    this.command = command;
  }
}

const EXEC_TIMEOUT_MS = 60_000;
// Refreshed this long before it expires, so a request is not sent with a token about to lapse.
const EXPIRY_MARGIN_MS = 10_000;

function field(value: unknown, name: string, command: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ExecCredentialError(command, `status.${name} must be a string`);
  return value;
}

/** Checks a plugin's output against the ExecCredential version asked for. */
export function parseExecCredential(stdout: string, apiVersion: string, command: string): ExecStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (err) {
    throw new ExecCredentialError(
      command,
      `printed no ExecCredential JSON: ${JSON.stringify(stdout.slice(0, 200))}`,
      {
        cause: err,
      },
    );
  }
  const credential = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (credential.kind !== 'ExecCredential' || credential.apiVersion !== apiVersion) {
    throw new ExecCredentialError(
      command,
      `printed ${String(credential.apiVersion)}/${String(credential.kind)}, expected ${apiVersion}/ExecCredential`,
    );
  }
  const status = (
    typeof credential.status === 'object' && credential.status !== null ? credential.status : {}
  ) as Record<string, unknown>;
  const token = field(status.token, 'token', command);
  const clientCertificateData = field(status.clientCertificateData, 'clientCertificateData', command);
  const clientKeyData = field(status.clientKeyData, 'clientKeyData', command);
  const expiration = field(status.expirationTimestamp, 'expirationTimestamp', command);
  if (!token && !(clientCertificateData && clientKeyData)) {
    throw new ExecCredentialError(command, 'status has neither a token nor a client certificate and key');
  }
  if (Boolean(clientCertificateData) !== Boolean(clientKeyData)) {
    throw new ExecCredentialError(
      command,
      'status has a client certificate without its key, or a key without it',
    );
  }
  const expiresAt = expiration === undefined ? undefined : Date.parse(expiration);
  if (expiresAt !== undefined && Number.isNaN(expiresAt)) {
    throw new ExecCredentialError(
      command,
      `status.expirationTimestamp ${JSON.stringify(expiration)} is not a time`,
    );
  }
  return {
    ...(token ? { token } : {}),
    ...(clientCertificateData ? { clientCertificateData, clientKeyData } : {}),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

function runPlugin(exec: ExecConfig, cluster: (() => ExecClusterInfo) | undefined): Promise<string> {
  const info = {
    apiVersion: exec.apiVersion,
    kind: 'ExecCredential',
    spec: { interactive: false, ...(exec.provideClusterInfo && cluster ? { cluster: cluster() } : {}) },
  };
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const { name, value } of exec.env) env[name] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(exec.command, exec.args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: EXEC_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'ENOENT' && exec.installHint ? `; ${exec.installHint}` : '';
      reject(new ExecCredentialError(exec.command, `cannot run: ${err.message}${hint}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else {
        const how = signal ? `was killed (${signal})` : `exited with ${code}`;
        reject(new ExecCredentialError(exec.command, `${how}: ${stderr.trim().slice(0, 500)}`));
      }
    });
  });
}

export class ExecCredentialProvider {
  private readonly exec: ExecConfig;
  private readonly cluster: (() => ExecClusterInfo) | undefined;
  private readonly now: () => number;
  private cached: ExecStatus | undefined;
  private pending: Promise<ExecStatus> | undefined;

  /** `cluster` is asked for at each run, so the plugin sees the CA as it is then. */
  constructor(exec: ExecConfig, cluster?: () => ExecClusterInfo, now: () => number = Date.now) {
    this.exec = exec;
    this.cluster = cluster;
    this.now = now;
  }

  /** The current credential, running the plugin when there is none or it is about to expire. */
  async get(): Promise<ExecStatus> {
    const cached = this.cached;
    if (cached && (cached.expiresAt === undefined || cached.expiresAt - EXPIRY_MARGIN_MS > this.now())) {
      return cached;
    }
    this.pending ??= runPlugin(this.exec, this.cluster)
      .then((stdout) => parseExecCredential(stdout, this.exec.apiVersion, this.exec.command))
      .then((status) => (this.cached = status))
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** The server rejected `status`: the next request runs the plugin again (unless it already has). */
  reject(status: ExecStatus): void {
    if (this.cached === status) this.cached = undefined;
  }
}
