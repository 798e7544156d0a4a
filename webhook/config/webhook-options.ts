// The webhook's settings, from flags or WEBHOOK_* environment variables (a flag wins). Every value is
// checked here, so a bad setting stops the process at start with a message naming the flag, the value and
// what is allowed, instead of failing later.
import { parseArgs } from 'node:util';
import { API_KINDS, crdName } from '../../shared/api/kinds.ts';
import type { LogLevel } from '../../shared/logging/logger.ts';
import { LOG_LEVELS } from '../../shared/logging/logger.ts';
import { parseDuration } from './duration.ts';

export const CERT_MODES = ['self-managed', 'cert-dir', 'secret'] as const;
export type CertMode = (typeof CERT_MODES)[number];

export interface WebhookOptions {
  bindAddress: string;
  port: number;
  healthBindAddress: string;
  healthPort: number;
  kubeconfig: string | undefined;
  logLevel: LogLevel;
  certMode: CertMode;
  certDir: string | undefined;
  certSecretName: string;
  certSecretNamespace: string;
  serviceName: string;
  serviceNamespace: string;
  extraSANs: string[];
  injectCABundle: boolean;
  validatingWebhookConfiguration: string;
  mutatingWebhookConfiguration: string;
  crds: string[];
  wireCRDConversion: boolean;
  crdInjectCAFrom: string | undefined;
  caValidityMs: number;
  certValidityMs: number;
  renewFraction: number;
  caAnnounceLeadMs: number;
  certCheckIntervalMs: number;
  maxRequestBytes: number;
  requestTimeoutMs: number;
  headerTimeoutMs: number;
  referenceChecks: boolean;
  referenceCacheTtlMs: number;
  referenceTimeoutMs: number;
}

export class WebhookOptionsError extends Error {
  /** The flag, e.g. `--port`. */
  readonly option: string;
  constructor(option: string, message: string, options?: ErrorOptions) {
    super(`${option}: ${message}`, options);
    this.name = 'WebhookOptionsError';
    this.option = option;
  }
}

type Kind = 'string' | 'list' | 'port' | 'bytes' | 'duration' | 'boolean' | 'fraction' | 'mode' | 'level';

interface OptionSpec {
  kind: Kind;
  /** Undefined: no default (optional setting). */
  default?: string;
  help: string;
}

/** Where the webhook runs when neither a flag nor $POD_NAMESPACE (the downward API) says. */
const FALLBACK_NAMESPACE = 'ai-gateway-operator';

/** Flag name → spec. The environment variable is WEBHOOK_ + the flag in upper snake case. */
export const OPTION_SPECS = {
  'bind-address': { kind: 'string', default: '0.0.0.0', help: 'address the HTTPS webhook server binds' },
  port: { kind: 'port', default: '9443', help: 'HTTPS port of the webhook server' },
  'health-bind-address': {
    kind: 'string',
    default: '0.0.0.0',
    help: 'address of the plain-HTTP health/metrics server',
  },
  'health-port': { kind: 'port', default: '8081', help: 'port of /healthz, /readyz and /metrics' },
  kubeconfig: {
    kind: 'string',
    help: 'kubeconfig file; default: in-cluster service account, then $KUBECONFIG',
  },
  'log-level': { kind: 'level', default: 'info', help: `one of ${LOG_LEVELS.join(', ')}` },
  'cert-mode': { kind: 'mode', default: 'self-managed', help: `one of ${CERT_MODES.join(', ')}` },
  'cert-dir': { kind: 'string', help: 'directory with tls.crt and tls.key (cert-mode cert-dir)' },
  'secret-name': {
    kind: 'string',
    default: 'ai-gateway-operator-webhook-certs',
    help: 'Secret holding the certificates',
  },
  'secret-namespace': {
    kind: 'string',
    help: `namespace of that Secret (default $POD_NAMESPACE or ${FALLBACK_NAMESPACE})`,
  },
  'service-name': {
    kind: 'string',
    default: 'ai-gateway-operator-webhook',
    help: 'the webhook Service, for the certificate names',
  },
  'service-namespace': {
    kind: 'string',
    help: `namespace of the webhook Service (default $POD_NAMESPACE or ${FALLBACK_NAMESPACE})`,
  },
  'extra-sans': {
    kind: 'list',
    default: '',
    help: 'more DNS names or IPs for the serving certificate (repeatable, comma-separated)',
  },
  'inject-ca-bundle': {
    kind: 'boolean',
    default: 'true',
    help: 'write the CA bundle into the webhook configurations and CRDs (self-managed)',
  },
  'validating-webhook-configuration': {
    kind: 'string',
    default: 'ai-gateway-operator-validating',
    help: 'ValidatingWebhookConfiguration to inject; empty: none',
  },
  'mutating-webhook-configuration': {
    kind: 'string',
    default: 'ai-gateway-operator-mutating',
    help: 'MutatingWebhookConfiguration to inject; empty: none',
  },
  'crd-names': {
    kind: 'list',
    default: API_KINDS.map(crdName).join(','),
    help: 'CRDs whose conversion webhook gets the CA bundle or is wired (repeatable, comma-separated)',
  },
  'wire-crd-conversion': {
    kind: 'boolean',
    default: 'false',
    help: "at start, point the CRDs' Service-based conversion at --service-namespace/--service-name",
  },
  'crd-inject-ca-from': {
    kind: 'string',
    help: 'namespace/certificate: annotate the CRDs with cert-manager.io/inject-ca-from (with --wire-crd-conversion)',
  },
  'ca-validity': { kind: 'duration', default: '8760h', help: 'lifetime of a self-managed CA' },
  'cert-validity': {
    kind: 'duration',
    default: '2160h',
    help: 'lifetime of a self-managed serving certificate',
  },
  'renew-fraction': {
    kind: 'fraction',
    default: '0.6667',
    help: 'share of a lifetime after which a certificate is renewed',
  },
  'ca-announce-lead': {
    kind: 'duration',
    default: '10m',
    help: 'how long a new CA is trusted before it signs',
  },
  'cert-check-interval': {
    kind: 'duration',
    default: '1m',
    help: 'how often the certificate Secret is re-read, the bundle re-injected and the CRD wiring checked',
  },
  'max-request-bytes': {
    kind: 'bytes',
    default: '16Mi',
    help: 'largest request body accepted (a list conversion can be large)',
  },
  'request-timeout': { kind: 'duration', default: '30s', help: 'time a client has to send a whole request' },
  'header-timeout': {
    kind: 'duration',
    default: '10s',
    help: 'time a client has to send the request headers and finish TLS',
  },
  'reference-checks': {
    kind: 'boolean',
    default: 'true',
    help: 'warn about referenced Services, Secrets, ConfigMaps, AIModels that do not exist',
  },
  'reference-cache-ttl': { kind: 'duration', default: '5s', help: 'how long a lookup answer is reused' },
  'reference-timeout': {
    kind: 'duration',
    default: '2s',
    help: 'how long a lookup may take before it is skipped',
  },
} as const satisfies Record<string, OptionSpec>;

type Flag = keyof typeof OPTION_SPECS;

export function envName(flag: string): string {
  return `WEBHOOK_${flag.toUpperCase().replaceAll('-', '_')}`;
}

function parsePort(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw new WebhookOptionsError(`--${flag}`, `Invalid value: "${text}": must be a port, 0-65535`);
  return n;
}

function parseBytes(flag: string, text: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(text);
  const factor = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[match?.[2] ?? ''] ?? 1;
  if (!match || Number(match[1]) === 0) {
    throw new WebhookOptionsError(
      `--${flag}`,
      `Invalid value: "${text}": must be a positive size such as 16Mi, 512Ki or 1048576`,
    );
  }
  return Number(match[1]) * factor;
}

function parsePositiveDuration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new WebhookOptionsError(
      `--${flag}`,
      `Invalid value: "${text}": must be a duration such as 500ms, 90s, 10m, 2160h`,
    );
  }
  return ms;
}

function parseBoolean(flag: string, text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new WebhookOptionsError(`--${flag}`, `Invalid value: "${text}": must be true or false`);
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new WebhookOptionsError(
    `--${flag}`,
    `Unsupported value: "${text}": supported values: ${allowed.join(', ')}`,
  );
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseWebhookOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): WebhookOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        Object.entries(OPTION_SPECS).map(([flag, spec]) => [
          flag,
          { type: 'string', multiple: spec.kind === 'list' },
        ]),
      ),
    });
  } catch (err) {
    throw new WebhookOptionsError('flags', `${(err as Error).message}; see --help`, { cause: err });
  }
  const values = parsed.values as Record<string, string | string[] | undefined>;
  const raw = (flag: Flag): string | undefined => {
    const fromFlag = values[flag];
    if (Array.isArray(fromFlag)) return fromFlag.join(',');
    return fromFlag ?? env[envName(flag)] ?? (OPTION_SPECS[flag] as OptionSpec).default;
  };
  const str = (flag: Flag) => raw(flag) ?? '';
  const optional = (flag: Flag) => raw(flag) || undefined;

  const options: WebhookOptions = {
    bindAddress: str('bind-address'),
    port: parsePort('port', str('port')),
    healthBindAddress: str('health-bind-address'),
    healthPort: parsePort('health-port', str('health-port')),
    kubeconfig: optional('kubeconfig'),
    logLevel: oneOf('log-level', str('log-level'), LOG_LEVELS),
    certMode: oneOf('cert-mode', str('cert-mode'), CERT_MODES),
    certDir: optional('cert-dir'),
    certSecretName: str('secret-name'),
    certSecretNamespace: optional('secret-namespace') ?? (env.POD_NAMESPACE || FALLBACK_NAMESPACE),
    serviceName: str('service-name'),
    serviceNamespace: optional('service-namespace') ?? (env.POD_NAMESPACE || FALLBACK_NAMESPACE),
    extraSANs: list(str('extra-sans')),
    injectCABundle: parseBoolean('inject-ca-bundle', str('inject-ca-bundle')),
    validatingWebhookConfiguration: str('validating-webhook-configuration'),
    mutatingWebhookConfiguration: str('mutating-webhook-configuration'),
    crds: list(str('crd-names')),
    wireCRDConversion: parseBoolean('wire-crd-conversion', str('wire-crd-conversion')),
    crdInjectCAFrom: optional('crd-inject-ca-from'),
    caValidityMs: parsePositiveDuration('ca-validity', str('ca-validity')),
    certValidityMs: parsePositiveDuration('cert-validity', str('cert-validity')),
    renewFraction: Number(str('renew-fraction')),
    caAnnounceLeadMs: parsePositiveDuration('ca-announce-lead', str('ca-announce-lead')),
    certCheckIntervalMs: parsePositiveDuration('cert-check-interval', str('cert-check-interval')),
    maxRequestBytes: parseBytes('max-request-bytes', str('max-request-bytes')),
    requestTimeoutMs: parsePositiveDuration('request-timeout', str('request-timeout')),
    headerTimeoutMs: parsePositiveDuration('header-timeout', str('header-timeout')),
    referenceChecks: parseBoolean('reference-checks', str('reference-checks')),
    referenceCacheTtlMs: parsePositiveDuration('reference-cache-ttl', str('reference-cache-ttl')),
    referenceTimeoutMs: parsePositiveDuration('reference-timeout', str('reference-timeout')),
  };
  checkConsistency(options, str('renew-fraction'));
  return options;
}

function checkConsistency(o: WebhookOptions, renewFractionText: string): void {
  if (!(o.renewFraction > 0 && o.renewFraction < 1)) {
    throw new WebhookOptionsError(
      '--renew-fraction',
      `Invalid value: "${renewFractionText}": must be between 0 and 1, exclusive`,
    );
  }
  if (o.certMode === 'cert-dir' && !o.certDir) {
    throw new WebhookOptionsError(
      '--cert-dir',
      'Required value: cert-mode cert-dir needs the directory holding tls.crt and tls.key',
    );
  }
  if (o.certMode !== 'cert-dir' && o.certDir) {
    throw new WebhookOptionsError(
      '--cert-dir',
      `Forbidden: only with --cert-mode=cert-dir (cert-mode is ${o.certMode})`,
    );
  }
  if (o.crdInjectCAFrom !== undefined) checkInjectCAFrom(o, o.crdInjectCAFrom);
  if (o.certValidityMs > o.caValidityMs) {
    throw new WebhookOptionsError('--cert-validity', 'Invalid value: must not be longer than --ca-validity');
  }
  if (o.caAnnounceLeadMs >= o.caValidityMs * (1 - o.renewFraction)) {
    throw new WebhookOptionsError(
      '--ca-announce-lead',
      'Invalid value: must be shorter than the part of --ca-validity left after --renew-fraction, or the old CA expires before the new one signs',
    );
  }
}

/** A Kubernetes name: lowercase alphanumerics, '-' and '.', alphanumeric at both ends. */
const OBJECT_NAME = '[a-z0-9]([-a-z0-9.]*[a-z0-9])?';
const NAMESPACED_NAME = new RegExp(`^${OBJECT_NAME}/${OBJECT_NAME}$`);

function checkInjectCAFrom(o: WebhookOptions, value: string): void {
  if (!NAMESPACED_NAME.test(value)) {
    throw new WebhookOptionsError(
      '--crd-inject-ca-from',
      `Invalid value: "${value}": must be <namespace>/<certificate>`,
    );
  }
  if (!o.wireCRDConversion) {
    throw new WebhookOptionsError('--crd-inject-ca-from', 'Forbidden: only with --wire-crd-conversion=true');
  }
  // cert-manager would overwrite the bundle of the CA this webhook issues itself.
  if (o.certMode === 'self-managed') {
    throw new WebhookOptionsError(
      '--crd-inject-ca-from',
      'Forbidden: not with --cert-mode=self-managed, whose certificates cert-manager does not know',
    );
  }
}

export function webhookUsage(): string {
  const lines = Object.entries(OPTION_SPECS).map(([flag, spec]) => {
    const def = 'default' in spec && spec.default !== '' ? ` (default ${spec.default})` : '';
    return `  --${flag.padEnd(34)} ${spec.help}${def}\n  ${''.padEnd(36)} env ${envName(flag)}`;
  });
  return `Usage: node webhook/main.ts [flags]\n\n${lines.join('\n')}\n`;
}
