// The reloader's settings, from flags or RELOADER_* environment variables (a flag wins). Defaults are the
// gateway pod's layout (shared/gateway/reloader-pod-layout.ts), so the pod passes none of them; tests and
// local runs point them at their own directories and ports.
import { isIP } from 'node:net';
import { flagUsage, invalidFlagValue, parseOneOf, readFlags } from '../shared/config/flags.ts';
import type { FlagSet, FlagSpec } from '../shared/config/flags.ts';
import {
  DEFAULT_RELOADER_STATUS_PORT,
  GATEWAY_CONFIG_DIR,
  NGINX_PID_FILE,
  RELOAD_ERROR_LOG_FILE,
  RELOADER_NGINX_RUNTIME_DIR,
} from '../shared/gateway/reloader-pod-layout.ts';
import type { LogLevel } from '../shared/logging/logger.ts';
import { LOG_LEVELS } from '../shared/logging/logger.ts';

export interface ReloaderOptions {
  /** The mounted ConfigMap: nginx.conf beside the kubelet's `..data` link. */
  configDir: string;
  nginxPIDFile: string;
  nginxErrorLog: string;
  /** Base URL of nginx's listener, from inside the pod. */
  nginxURL: string;
  statusHost: string;
  statusPort: number;
  /** How long nginx may take to answer with a new configuration before it counts as refused. */
  reloadTimeoutMs: number;
  /** How often the mounted configuration and nginx are looked at besides on file events. */
  pollIntervalMs: number;
  logLevel: LogLevel;
}

const RELOADER_FLAGS = {
  'config-dir': { default: GATEWAY_CONFIG_DIR, help: 'the mounted gateway ConfigMap' },
  'nginx-pid-file': { default: `${RELOADER_NGINX_RUNTIME_DIR}/${NGINX_PID_FILE}`, help: "nginx's pid file" },
  'nginx-error-log': {
    default: `${RELOADER_NGINX_RUNTIME_DIR}/${RELOAD_ERROR_LOG_FILE}`,
    help: 'the file nginx writes [emerg] lines to (its -g "error_log <file> emerg;")',
  },
  'nginx-url': { default: 'http://127.0.0.1:8080', help: 'where nginx listens, from inside the pod' },
  'status-address': {
    default: `:${DEFAULT_RELOADER_STATUS_PORT}`,
    help: 'host:port of GET /status (read by the controller) and GET /healthz',
  },
  'reload-timeout-seconds': {
    default: '60',
    help: 'how long nginx may take to serve a new configuration before it counts as refused (1-3600)',
  },
  'poll-interval-ms': {
    default: '1000',
    help: 'how often the mount and nginx are checked besides on file events (50-60000)',
  },
  'log-level': { default: 'info', help: `one of ${LOG_LEVELS.join(', ')}` },
} as const satisfies Record<string, FlagSpec>;

type Flag = keyof typeof RELOADER_FLAGS;

const RELOADER_FLAG_SET: FlagSet<Flag> = { envPrefix: 'RELOADER', flags: RELOADER_FLAGS };

function integer(flag: Flag, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw invalidFlagValue(flag, text, `must be an integer from ${min} to ${max}`);
  }
  return n;
}

function absolutePath(flag: Flag, text: string): string {
  if (!text.startsWith('/')) throw invalidFlagValue(flag, text, 'must be an absolute path');
  return text.replace(/(.)\/+$/, '$1');
}

function statusAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]*)):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? (match?.[2] || '0.0.0.0');
  const port = Number(match?.[3]);
  if (!match || isIP(host) === 0 || port < 1 || port > 65535) {
    throw invalidFlagValue('status-address', text, 'must be ip:port or :port, e.g. :9901 or 127.0.0.1:9901');
  }
  return { host, port };
}

function nginxURL(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidFlagValue('nginx-url', text, 'must be an http:// URL');
  }
  if (url.protocol !== 'http:' || url.pathname !== '/' || url.search !== '') {
    throw invalidFlagValue('nginx-url', text, 'must be an http:// URL without a path');
  }
  return url.origin;
}

export function parseReloaderOptions(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): ReloaderOptions {
  const raw = readFlags(RELOADER_FLAG_SET, argv, env);
  const str = (flag: Flag) => raw(flag) ?? '';
  const status = statusAddress(str('status-address'));
  return {
    configDir: absolutePath('config-dir', str('config-dir')),
    nginxPIDFile: absolutePath('nginx-pid-file', str('nginx-pid-file')),
    nginxErrorLog: absolutePath('nginx-error-log', str('nginx-error-log')),
    nginxURL: nginxURL(str('nginx-url')),
    statusHost: status.host,
    statusPort: status.port,
    reloadTimeoutMs: integer('reload-timeout-seconds', str('reload-timeout-seconds'), 1, 3600) * 1000,
    pollIntervalMs: integer('poll-interval-ms', str('poll-interval-ms'), 50, 60_000),
    logLevel: parseOneOf('log-level', str('log-level'), LOG_LEVELS),
  };
}

export function reloaderUsage(command: string): string {
  return flagUsage(RELOADER_FLAG_SET, command);
}
