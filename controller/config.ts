// The controller's settings, from flags or CONTROLLER_* environment variables (a flag wins). Every value
// is checked here, so a bad setting stops the process at start with a message naming the flag, the value
// and what is allowed.
import { parseQuantity } from '../shared/api/quantity.ts';
import { DNS_LABEL_PATTERN, DNS_SUBDOMAIN_PATTERN } from '../shared/api/schema/primitives.ts';
import {
  flagUsage,
  invalidFlagValue,
  parseBindAddress,
  parseBooleanFlag,
  parseListFlag,
  parseOneOf,
  readFlags,
} from '../shared/config/flags.ts';
import {
  ALLOWED_MODEL_IMAGES_HELP,
  parseAllowedModelImages,
} from '../shared/config/allowed-model-images-flag.ts';
import type { ImagePrefix } from '../shared/validation/allowed-model-images.ts';
import type { BindAddress, FlagSet, FlagSpec } from '../shared/config/flags.ts';
import { GatewayOptionError } from '../shared/gateway/errors.ts';
import { resolverAddress } from '../shared/gateway/gateway-options.ts';
import type { LogLevel } from '../shared/logging/logger.ts';
import { LOG_LEVELS } from '../shared/logging/logger.ts';
import { DEFAULT_RELOADER_STATUS_PORT } from '../shared/gateway/reloader-pod-layout.ts';
import { DEFAULT_LISTEN_PORT } from '../shared/gateway/gateway-options.ts';
import { QuantityFormatError, canonicalQuantity } from './children/canonical-quantity.ts';
import type { GatewayPodSettings } from './children/gateway/gateway-pod.ts';

export const DEFAULT_GATEWAY_IMAGE = 'nginxinc/nginx-unprivileged:1.30';
/** This operator's image (the chart passes the one it installs), which runs the gateway pods' reloader. */
export const DEFAULT_RELOADER_IMAGE = 'ghcr.io/example/ai-gateway-operator:0.1.0';

export interface ControllerConfig {
  kubeconfig: string | undefined;
  /** Empty: every namespace. */
  namespaces: string[];
  workers: number;
  leaderElect: boolean;
  leaderElectionID: string;
  leaderElectionNamespace: string;
  /** Undefined: no metrics endpoint. */
  metricsBindAddress: BindAddress | undefined;
  healthProbeBindAddress: BindAddress;
  logLevel: LogLevel;
  gatewayImage: string;
  /** Undefined: discovered from the kube-dns Service in kube-system. */
  gatewayResolver: string | undefined;
  /** Of the gateway containers; a resource missing from `requests` or `limits` is not set. */
  gatewayResources: { requests: Record<string, string>; limits: Record<string, string> };
  /** Let gateways proxy to loopback, link-local and cloud metadata hosts, which they refuse by default. */
  allowLocalEgress: boolean;
  /** Images AIModels may run; empty: any. */
  allowedModelImages: ImagePrefix[];
  gatewayReloaderImage: string;
  gatewayReloaderPort: number;
  gatewayWorkerShutdownTimeoutSeconds: number;
  gatewayTerminationGracePeriodSeconds: number;
}

/** Flag name → spec. The environment variable is CONTROLLER_ + the flag in upper snake case. */
const CONTROLLER_FLAGS = {
  kubeconfig: {
    help: 'kubeconfig file; default: in-cluster service account, then $KUBECONFIG, ~/.kube/config',
  },
  namespaces: {
    type: 'list',
    default: '',
    help: 'namespaces to watch, comma-separated or repeated; empty: all namespaces',
  },
  workers: { default: '4', help: 'concurrent reconciles per kind (1-64)' },
  'leader-elect': {
    type: 'boolean',
    default: 'true',
    help: 'take a Lease before reconciling, so replicas never reconcile together',
  },
  'leader-election-id': {
    default: 'ai-gateway-operator-controller',
    help: 'name of the leader election Lease',
  },
  'leader-election-namespace': {
    help: 'namespace of the Lease (default $POD_NAMESPACE, else "default")',
  },
  'metrics-bind-address': { default: ':8080', help: 'host:port of /metrics; "0" switches it off' },
  'health-probe-bind-address': { default: ':8081', help: 'host:port of /healthz and /readyz' },
  'log-level': { default: 'info', help: `one of ${LOG_LEVELS.join(', ')}` },
  'gateway-image': { default: DEFAULT_GATEWAY_IMAGE, help: 'nginx image the gateway Deployments run' },
  'gateway-resolver': {
    help: 'DNS server the gateways resolve backends with, an IP address with an optional :port; default: the kube-dns Service ClusterIP',
  },
  'gateway-cpu-request': {
    default: '100m',
    help: 'CPU request of the gateway containers, at most the limit; empty: none',
  },
  'gateway-memory-request': {
    default: '64Mi',
    help: 'memory request of the gateway containers, at most the limit; empty: none',
  },
  'gateway-cpu-limit': { default: '', help: 'CPU limit of the gateway containers; empty: none' },
  'gateway-memory-limit': { default: '256Mi', help: 'memory limit of the gateway containers; empty: none' },
  'gateway-reloader-image': {
    default: DEFAULT_RELOADER_IMAGE,
    help: "this operator's image: it runs the reloader in every gateway pod",
  },
  'gateway-reloader-port': {
    default: String(DEFAULT_RELOADER_STATUS_PORT),
    help: "port of the gateway reloaders' GET /status, which the controller reads from each gateway pod",
  },
  'gateway-worker-shutdown-timeout-seconds': {
    default: '300',
    help: "how long nginx's old workers finish their requests (streamed answers) after a reload or stop (1-86400)",
  },
  'gateway-termination-grace-period-seconds': {
    default: '330',
    help: 'how long a stopping gateway pod has, more than the worker shutdown timeout (2-86400)',
  },
  'allow-local-egress': {
    type: 'boolean',
    default: 'false',
    help: 'let gateways proxy to loopback, link-local and cloud metadata hosts (give the webhook the same)',
  },
  'allowed-model-images': {
    type: 'list',
    default: '',
    help: `${ALLOWED_MODEL_IMAGES_HELP}; a model with another image gets no children (give the webhook the same)`,
  },
} as const satisfies Record<string, FlagSpec>;

type Flag = keyof typeof CONTROLLER_FLAGS;

const CONTROLLER_FLAG_SET: FlagSet<Flag> = { envPrefix: 'CONTROLLER', flags: CONTROLLER_FLAGS };

function parseWorkers(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 64)
    throw invalidFlagValue('workers', text, 'must be an integer from 1 to 64');
  return n;
}

function parseNamespaces(text: string): string[] {
  const names = parseListFlag(text);
  const pattern = new RegExp(DNS_LABEL_PATTERN);
  for (const name of names) {
    if (!pattern.test(name) || name.length > 63) {
      throw invalidFlagValue(
        'namespaces',
        name,
        'each namespace must be a DNS label (lower-case letters, digits, "-")',
      );
    }
  }
  return [...new Set(names)];
}

function parseName(flag: Flag, text: string, pattern: string, maxLength: number): string {
  if (!new RegExp(pattern).test(text) || text.length > maxLength) {
    throw invalidFlagValue(
      flag,
      text,
      `must be a valid object name (lower-case letters, digits, "-", at most ${maxLength})`,
    );
  }
  return text;
}

function parseSeconds(flag: Flag, str: (flag: Flag) => string, min: number): number {
  const text = str(flag);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > 86_400)
    throw invalidFlagValue(flag, text, `must be a whole number of seconds from ${min} to 86400`);
  return n;
}

/** Any port but nginx's own in the same pod. */
function parseReloaderPort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535 || n === DEFAULT_LISTEN_PORT) {
    throw invalidFlagValue(
      'gateway-reloader-port',
      text,
      `must be a port from 1 to 65535 other than nginx's ${DEFAULT_LISTEN_PORT}`,
    );
  }
  return n;
}

function parseResolver(text: string): string {
  try {
    return resolverAddress(text);
  } catch (err) {
    if (!(err instanceof GatewayOptionError)) throw err;
    throw invalidFlagValue(
      'gateway-resolver',
      text,
      'must be an IP address, optionally with ":port" (IPv6 in brackets)',
    );
  }
}

const GATEWAY_RESOURCES = [
  { name: 'cpu', request: 'gateway-cpu-request', limit: 'gateway-cpu-limit', example: '"100m" or "0.5"' },
  {
    name: 'memory',
    request: 'gateway-memory-request',
    limit: 'gateway-memory-limit',
    example: '"64Mi" or "1Gi"',
  },
] as const;

/** Empty: not set. Checked here because the API server would refuse every gateway Deployment instead. */
function parseResourceQuantity(flag: Flag, text: string, example: string): number | undefined {
  if (text === '') return undefined;
  const allowed = `must be a quantity of at least 0 such as ${example}, or empty for none`;
  let value: number | undefined;
  try {
    value = parseQuantity(canonicalQuantity(text));
  } catch (err) {
    if (!(err instanceof QuantityFormatError)) throw err;
    throw invalidFlagValue(flag, text, allowed);
  }
  if (value === undefined || value < 0) throw invalidFlagValue(flag, text, allowed);
  return value;
}

function parseGatewayResources(str: (flag: Flag) => string): ControllerConfig['gatewayResources'] {
  const resources: ControllerConfig['gatewayResources'] = { requests: {}, limits: {} };
  for (const { name, request, limit, example } of GATEWAY_RESOURCES) {
    const requested = parseResourceQuantity(request, str(request), example);
    const limited = parseResourceQuantity(limit, str(limit), example);
    if (requested !== undefined && limited !== undefined && requested > limited) {
      throw invalidFlagValue(request, str(request), `must not exceed --${limit} (${str(limit)})`);
    }
    if (requested !== undefined) resources.requests[name] = str(request);
    if (limited !== undefined) resources.limits[name] = str(limit);
  }
  return resources;
}

export function parseControllerConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): ControllerConfig {
  const raw = readFlags(CONTROLLER_FLAG_SET, argv, env);
  const str = (flag: Flag) => raw(flag) ?? '';
  const optional = (flag: Flag) => raw(flag) || undefined;

  const gatewayImage = str('gateway-image');
  if (!/^\S+$/.test(gatewayImage))
    throw invalidFlagValue('gateway-image', gatewayImage, 'must be an image reference');
  const reloaderImage = str('gateway-reloader-image');
  if (!/^\S+$/.test(reloaderImage))
    throw invalidFlagValue('gateway-reloader-image', reloaderImage, 'must be an image reference');
  const shutdownSeconds = parseSeconds('gateway-worker-shutdown-timeout-seconds', str, 1);
  const graceSeconds = parseSeconds('gateway-termination-grace-period-seconds', str, 2);
  if (graceSeconds <= shutdownSeconds) {
    throw invalidFlagValue(
      'gateway-termination-grace-period-seconds',
      String(graceSeconds),
      `must exceed --gateway-worker-shutdown-timeout-seconds (${shutdownSeconds}), or streams are cut before nginx lets them finish`,
    );
  }
  const resolver = optional('gateway-resolver');
  const metrics = str('metrics-bind-address');
  return {
    kubeconfig: optional('kubeconfig'),
    namespaces: parseNamespaces(str('namespaces')),
    workers: parseWorkers(str('workers')),
    leaderElect: parseBooleanFlag('leader-elect', str('leader-elect')),
    leaderElectionID: parseName('leader-election-id', str('leader-election-id'), DNS_SUBDOMAIN_PATTERN, 253),
    leaderElectionNamespace: parseName(
      'leader-election-namespace',
      optional('leader-election-namespace') ?? (env.POD_NAMESPACE || 'default'),
      DNS_LABEL_PATTERN,
      63,
    ),
    metricsBindAddress: metrics === '0' ? undefined : parseBindAddress('metrics-bind-address', metrics),
    healthProbeBindAddress: parseBindAddress('health-probe-bind-address', str('health-probe-bind-address')),
    logLevel: parseOneOf('log-level', str('log-level'), LOG_LEVELS),
    gatewayImage,
    gatewayResolver: resolver === undefined ? undefined : parseResolver(resolver),
    gatewayResources: parseGatewayResources(str),
    allowLocalEgress: parseBooleanFlag('allow-local-egress', str('allow-local-egress')),
    allowedModelImages: parseAllowedModelImages(str('allowed-model-images')),
    gatewayReloaderImage: reloaderImage,
    gatewayReloaderPort: parseReloaderPort(str('gateway-reloader-port')),
    gatewayWorkerShutdownTimeoutSeconds: shutdownSeconds,
    gatewayTerminationGracePeriodSeconds: graceSeconds,
  };
}

/** What the controller's settings say about the gateway pods. */
export function gatewayPodSettings(config: ControllerConfig): GatewayPodSettings {
  return {
    image: config.gatewayImage,
    resources: config.gatewayResources,
    reloaderImage: config.gatewayReloaderImage,
    reloaderStatusPort: config.gatewayReloaderPort,
    workerShutdownTimeoutSeconds: config.gatewayWorkerShutdownTimeoutSeconds,
    terminationGracePeriodSeconds: config.gatewayTerminationGracePeriodSeconds,
  };
}

export function controllerUsage(command: string): string {
  return flagUsage(CONTROLLER_FLAG_SET, command);
}
