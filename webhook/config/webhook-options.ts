// The webhook's settings, from flags or WEBHOOK_* environment variables (a flag wins). Every value is
// checked here, so a bad setting stops the process at start with a message naming the flag, the value and
// what is allowed, instead of failing later.
import { API_KINDS, crdName } from '../../shared/api/kinds.ts';
import {
  FlagError,
  flagUsage,
  invalidFlagValue,
  parseBindAddress,
  parseBooleanFlag,
  parseListFlag,
  parseOneOf,
  readFlags,
} from '../../shared/config/flags.ts';
import type { BindAddress, FlagSet, FlagSpec } from '../../shared/config/flags.ts';
import type { LogLevel } from '../../shared/logging/logger.ts';
import type { AdmissionPolicy } from '../../shared/validation/admission-policy.ts';
import {
  ALLOWED_MODEL_IMAGES_HELP,
  parseAllowedModelImages,
} from '../../shared/config/allowed-model-images-flag.ts';
import { LOG_LEVELS } from '../../shared/logging/logger.ts';
import { canonicalServingName, InvalidServingNameError } from '../certs/serving-names.ts';
import { parseDuration } from './duration.ts';

const CERT_MODES = ['self-managed', 'cert-dir', 'secret'] as const;
type CertMode = (typeof CERT_MODES)[number];

export interface WebhookOptions {
  bindAddress: string;
  port: number;
  /** Of /healthz, /readyz and /metrics. */
  healthProbeBindAddress: BindAddress;
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
  secretReferenceChecks: boolean;
  referenceCacheTTLMs: number;
  referenceTimeoutMs: number;
  /** Installation rules beyond the API's: local egress, the images AIModels may run. */
  admissionPolicy: AdmissionPolicy;
  /** The deprecated flags given (on the command line or in the environment), for a warning at start. */
  deprecatedFlags: DeprecatedFlag[];
}

/** Where the webhook runs when neither a flag nor $POD_NAMESPACE (the downward API) says. */
const FALLBACK_NAMESPACE = 'ai-gateway-operator';

/** Flag name → spec. The environment variable is WEBHOOK_ + the flag in upper snake case. */
const OPTION_SPECS = {
  'bind-address': { default: '0.0.0.0', help: 'address the HTTPS webhook server binds' },
  port: { default: '9443', help: 'HTTPS port of the webhook server' },
  'health-probe-bind-address': {
    default: ':8081',
    help: 'host:port of the plain-HTTP /healthz, /readyz and /metrics',
  },
  'health-bind-address': {
    help: 'deprecated: the host of --health-probe-bind-address, which it replaces when given',
  },
  'health-port': {
    help: 'deprecated: the port of --health-probe-bind-address, which it replaces when given',
  },
  kubeconfig: {
    help: 'kubeconfig file; default: in-cluster service account, then $KUBECONFIG',
  },
  'log-level': { default: 'info', help: `one of ${LOG_LEVELS.join(', ')}` },
  'cert-mode': { default: 'self-managed', help: `one of ${CERT_MODES.join(', ')}` },
  'cert-dir': { help: 'directory with tls.crt and tls.key (cert-mode cert-dir)' },
  'secret-name': {
    default: 'ai-gateway-operator-webhook-certs',
    help: 'Secret holding the certificates',
  },
  'secret-namespace': {
    help: `namespace of that Secret (default $POD_NAMESPACE or ${FALLBACK_NAMESPACE})`,
  },
  'service-name': {
    default: 'ai-gateway-operator-webhook',
    help: 'the webhook Service, for the certificate names',
  },
  'service-namespace': {
    help: `namespace of the webhook Service (default $POD_NAMESPACE or ${FALLBACK_NAMESPACE})`,
  },
  'extra-sans': {
    type: 'list',
    default: '',
    help: 'more DNS names or IPs for the serving certificate (repeatable, comma-separated)',
  },
  'inject-ca-bundle': {
    type: 'boolean',
    default: 'true',
    help: 'write the CA bundle into the webhook configurations and CRDs (self-managed)',
  },
  'validating-webhook-configuration': {
    default: 'ai-gateway-operator-validating',
    help: 'ValidatingWebhookConfiguration to inject; empty: none',
  },
  'mutating-webhook-configuration': {
    default: 'ai-gateway-operator-mutating',
    help: 'MutatingWebhookConfiguration to inject; empty: none',
  },
  'crd-names': {
    type: 'list',
    default: API_KINDS.map(crdName).join(','),
    help: 'CRDs whose conversion webhook gets the CA bundle or is wired (repeatable, comma-separated)',
  },
  'wire-crd-conversion': {
    type: 'boolean',
    default: 'false',
    help: "at start, point the CRDs' Service-based conversion at --service-namespace/--service-name",
  },
  'crd-inject-ca-from': {
    help: 'namespace/certificate: annotate the CRDs with cert-manager.io/inject-ca-from (with --wire-crd-conversion)',
  },
  'ca-validity': { default: '8760h', help: 'lifetime of a self-managed CA' },
  'cert-validity': {
    default: '2160h',
    help: 'lifetime of a self-managed serving certificate',
  },
  'renew-fraction': {
    default: '0.6667',
    help: 'share of a lifetime after which a certificate is renewed',
  },
  'ca-announce-lead': {
    default: '10m',
    help: 'how long a new CA is trusted before it signs',
  },
  'cert-check-interval': {
    default: '1m',
    help: 'how often the certificate Secret is re-read, the bundle re-injected and the CRD wiring checked',
  },
  'max-request-bytes': {
    default: '16Mi',
    help: 'largest request body accepted (a list conversion can be large)',
  },
  'request-timeout': { default: '30s', help: 'time a client has to send a whole request' },
  'header-timeout': {
    default: '10s',
    help: 'time a client has to send the request headers and finish TLS',
  },
  'reference-checks': {
    type: 'boolean',
    default: 'true',
    help: 'warn about referenced Services, ConfigMaps, AIModels that do not exist',
  },
  'secret-reference-checks': {
    type: 'boolean',
    default: 'false',
    help: 'with --reference-checks, warn about referenced Secrets too (needs get on Secrets)',
  },
  'reference-cache-ttl': { default: '5s', help: 'how long a lookup answer is reused' },
  'reference-timeout': {
    default: '2s',
    help: 'how long a lookup may take before it is skipped',
  },
  'allow-local-egress': {
    type: 'boolean',
    default: 'false',
    help: 'admit model endpoints and route destinations at loopback, link-local and cloud metadata hosts (give the controller the same)',
  },
  'allowed-model-images': {
    type: 'list',
    default: '',
    help: ALLOWED_MODEL_IMAGES_HELP,
  },
} as const satisfies Record<string, FlagSpec>;

type Flag = keyof typeof OPTION_SPECS;

/** Flags of earlier releases, which still work, each with the flag that replaces it. */
export const DEPRECATED_FLAGS = {
  'health-bind-address': 'health-probe-bind-address',
  'health-port': 'health-probe-bind-address',
} as const satisfies Partial<Record<Flag, Flag>>;

type DeprecatedFlag = keyof typeof DEPRECATED_FLAGS;

const WEBHOOK_FLAG_SET: FlagSet<Flag> = { envPrefix: 'WEBHOOK', flags: OPTION_SPECS };

function parsePort(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw invalidFlagValue(flag, text, 'must be a port, 0-65535');
  return n;
}

function parseBytes(flag: string, text: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(text);
  const factor = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[match?.[2] ?? ''] ?? 1;
  if (!match || Number(match[1]) === 0) {
    throw invalidFlagValue(flag, text, 'must be a positive size such as 16Mi, 512Ki or 1048576');
  }
  return Number(match[1]) * factor;
}

/**
 * A DNS name, or an IP address in the spelling a certificate is read back in, so that the certificate is
 * not re-issued on every round; an address a certificate cannot hold stops the process at start.
 */
function parseExtraSAN(text: string): string {
  try {
    return canonicalServingName(text);
  } catch (err) {
    if (err instanceof InvalidServingNameError) throw invalidFlagValue('extra-sans', text, err.allowed);
    throw err;
  }
}

/** Any length: lifetimes, and the CA announcement lead, which sets rotation times, never a timer's delay. */
function parsePositiveDuration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw invalidFlagValue(flag, text, 'must be a duration such as 500ms, 90s, 10m, 2160h');
  }
  return ms;
}

/** Node's timers take at most 2^31-1 ms (about 24.8 days); a longer delay fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A check interval, timeout or cache lifetime: kept within what a timer can wait, as most become one. */
function parseTimerDuration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0 || ms > MAX_TIMER_MS) {
    const maxHours = Math.floor(MAX_TIMER_MS / 3_600_000);
    throw invalidFlagValue(flag, text, `must be a duration such as 500ms, 90s, 10m, at most ${maxHours}h`);
  }
  return ms;
}

/**
 * --health-probe-bind-address, with the host of the deprecated --health-bind-address and the port of the
 * deprecated --health-port where they are given, so that a command line of an earlier release (or one that
 * appends them to the chart's) serves where it did.
 */
function parseHealthProbeBindAddress(raw: (flag: Flag) => string | undefined): BindAddress {
  const address = parseBindAddress('health-probe-bind-address', raw('health-probe-bind-address') ?? '');
  const host = raw('health-bind-address');
  const port = raw('health-port');
  return {
    host: host ?? address.host,
    port: port === undefined ? address.port : parsePort('health-port', port),
  };
}

export function parseWebhookOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): WebhookOptions {
  const raw = readFlags(WEBHOOK_FLAG_SET, argv, env);
  const str = (flag: Flag) => raw(flag) ?? '';
  const optional = (flag: Flag) => raw(flag) || undefined;

  const options: WebhookOptions = {
    bindAddress: str('bind-address'),
    port: parsePort('port', str('port')),
    healthProbeBindAddress: parseHealthProbeBindAddress(raw),
    kubeconfig: optional('kubeconfig'),
    logLevel: parseOneOf('log-level', str('log-level'), LOG_LEVELS),
    certMode: parseOneOf('cert-mode', str('cert-mode'), CERT_MODES),
    certDir: optional('cert-dir'),
    certSecretName: str('secret-name'),
    certSecretNamespace: optional('secret-namespace') ?? (env.POD_NAMESPACE || FALLBACK_NAMESPACE),
    serviceName: str('service-name'),
    serviceNamespace: optional('service-namespace') ?? (env.POD_NAMESPACE || FALLBACK_NAMESPACE),
    extraSANs: parseListFlag(str('extra-sans')).map(parseExtraSAN),
    injectCABundle: parseBooleanFlag('inject-ca-bundle', str('inject-ca-bundle')),
    validatingWebhookConfiguration: str('validating-webhook-configuration'),
    mutatingWebhookConfiguration: str('mutating-webhook-configuration'),
    crds: parseListFlag(str('crd-names')),
    wireCRDConversion: parseBooleanFlag('wire-crd-conversion', str('wire-crd-conversion')),
    crdInjectCAFrom: optional('crd-inject-ca-from'),
    caValidityMs: parsePositiveDuration('ca-validity', str('ca-validity')),
    certValidityMs: parsePositiveDuration('cert-validity', str('cert-validity')),
    renewFraction: Number(str('renew-fraction')),
    caAnnounceLeadMs: parsePositiveDuration('ca-announce-lead', str('ca-announce-lead')),
    certCheckIntervalMs: parseTimerDuration('cert-check-interval', str('cert-check-interval')),
    maxRequestBytes: parseBytes('max-request-bytes', str('max-request-bytes')),
    requestTimeoutMs: parseTimerDuration('request-timeout', str('request-timeout')),
    headerTimeoutMs: parseTimerDuration('header-timeout', str('header-timeout')),
    referenceChecks: parseBooleanFlag('reference-checks', str('reference-checks')),
    secretReferenceChecks: parseBooleanFlag('secret-reference-checks', str('secret-reference-checks')),
    referenceCacheTTLMs: parseTimerDuration('reference-cache-ttl', str('reference-cache-ttl')),
    referenceTimeoutMs: parseTimerDuration('reference-timeout', str('reference-timeout')),
    admissionPolicy: {
      allowLocalEgress: parseBooleanFlag('allow-local-egress', str('allow-local-egress')),
      allowedModelImages: parseAllowedModelImages(str('allowed-model-images')),
    },
    deprecatedFlags: (Object.keys(DEPRECATED_FLAGS) as DeprecatedFlag[]).filter(
      (flag) => raw(flag) !== undefined,
    ),
  };
  checkConsistency(options, str('renew-fraction'));
  return options;
}

function checkConsistency(o: WebhookOptions, renewFractionText: string): void {
  if (!(o.renewFraction > 0 && o.renewFraction < 1)) {
    throw invalidFlagValue('renew-fraction', renewFractionText, 'must be between 0 and 1, exclusive');
  }
  // Node refuses a server whose header timeout is longer than its request timeout.
  if (o.headerTimeoutMs > o.requestTimeoutMs) {
    throw new FlagError('--header-timeout', 'Invalid value: must not be longer than --request-timeout');
  }
  if (o.certMode === 'cert-dir' && !o.certDir) {
    throw new FlagError(
      '--cert-dir',
      'Required value: cert-mode cert-dir needs the directory holding tls.crt and tls.key',
    );
  }
  if (o.certMode !== 'cert-dir' && o.certDir) {
    throw new FlagError(
      '--cert-dir',
      `Forbidden: only with --cert-mode=cert-dir (cert-mode is ${o.certMode})`,
    );
  }
  if (o.crdInjectCAFrom !== undefined) checkInjectCAFrom(o, o.crdInjectCAFrom);
  if (o.certValidityMs > o.caValidityMs) {
    throw new FlagError('--cert-validity', 'Invalid value: must not be longer than --ca-validity');
  }
  if (o.caAnnounceLeadMs >= o.caValidityMs * (1 - o.renewFraction)) {
    throw new FlagError(
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
    throw invalidFlagValue('crd-inject-ca-from', value, 'must be <namespace>/<certificate>');
  }
  if (!o.wireCRDConversion) {
    throw new FlagError('--crd-inject-ca-from', 'Forbidden: only with --wire-crd-conversion=true');
  }
  // cert-manager would overwrite the bundle of the CA this webhook issues itself.
  if (o.certMode === 'self-managed') {
    throw new FlagError(
      '--crd-inject-ca-from',
      'Forbidden: not with --cert-mode=self-managed, whose certificates cert-manager does not know',
    );
  }
}

export function webhookUsage(command: string): string {
  return flagUsage(WEBHOOK_FLAG_SET, command);
}
