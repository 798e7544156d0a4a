// What the renderer needs besides the routes: the gateway's identity, where nginx listens and finds DNS,
// and the paths of the pod it runs in. Defaults fit the nginx-unprivileged image with a read-only root
// filesystem: nothing is written outside runtimeDirectory.
import { isIP } from 'node:net';
import type { AIModelV1 } from '../api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import { GatewayOptionError } from './errors.ts';
import { DEFAULT_CLUSTER_DOMAIN } from './route-backend.ts';

export interface GatewayConfigInput {
  namespace: string;
  /** The gateway's name (spec.gateway of its routes). */
  gateway: string;
  /** The admitted routes of this gateway (see admitRoutes); any order. */
  routes: readonly APIGatewayRouteV1[];
  /** The AIModels the routes refer to; any order, others are ignored. */
  models: readonly AIModelV1[];
  /** DNS server that resolves Service names at request time, e.g. the cluster DNS "10.96.0.10" or "127.0.0.1:5353". */
  resolver: string;
  listenPort?: number;
  /** Address to listen on; every IPv4 address when absent. */
  listenAddress?: string;
  /** Directory holding one directory per API-key Secret, named after the Secret. */
  apiKeysDirectory?: string;
  /**
   * Directory holding one directory per provider-credentials Secret, named after the Secret, with a file
   * per data key a model names (AIModel spec.credentials).
   */
  credentialsDirectory?: string;
  /**
   * Port of the gateway's own metrics (requests and tokens of AI routes, Prometheus text at /metrics), on
   * listenAddress like the routes.
   */
  metricsPort?: number;
  /** Directory of nginx's dynamic modules (the njs module). */
  modulesDirectory?: string;
  /** The only writable directory: pid file and temporary files. */
  runtimeDirectory?: string;
  /** CA bundle that verifies the certificates of https model endpoints. */
  trustedCertificatesFile?: string;
  accessLog?: string;
  /** "stderr" or a file. */
  errorLog?: string;
  clusterDomain?: string;
  /** Time a resolved Service address is reused before it is resolved again. */
  resolverValidSeconds?: number;
  /** nginx worker processes; "auto" is one per CPU the node has, which a CPU limit may not match. */
  workerProcesses?: number | 'auto';
  /** Proxy to loopback, link-local and cloud metadata hosts too; refused by default (local-egress-refusal.ts). */
  allowLocalEgress?: boolean;
}

export type GatewayOptions = Required<Omit<GatewayConfigInput, 'listenAddress'>> & { listenAddress?: string };

export const DEFAULT_LISTEN_PORT = 8080;
export const DEFAULT_API_KEYS_DIRECTORY = '/etc/gateway/api-keys';
export const DEFAULT_CREDENTIALS_DIRECTORY = '/etc/gateway/credentials';
export const DEFAULT_METRICS_PORT = 9113;
/** Where the nginx-unprivileged image keeps its dynamic modules, njs among them. */
export const DEFAULT_MODULES_DIRECTORY = '/etc/nginx/modules';
export const DEFAULT_RUNTIME_DIRECTORY = '/tmp';
const DEFAULT_TRUSTED_CERTIFICATES_FILE = '/etc/ssl/certs/ca-certificates.crt';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Paths are written into the configuration; plain characters keep them from needing any escape.
const PLAIN_ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]*$/;

function pathOption(option: string, value: string): string {
  if (!PLAIN_ABSOLUTE_PATH.test(value)) {
    throw new GatewayOptionError(option, value, 'must be an absolute path of letters, digits and "._/-"');
  }
  return value.replace(/(.)\/+$/, '$1');
}

function portOption(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new GatewayOptionError(option, value, 'must be an integer from 1 to 65535');
  }
  return value;
}

/** "host" or "host:port" with an IP address, IPv6 in brackets, as nginx's resolver directive takes it. */
export function resolverAddress(value: string): string {
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(value);
  const ipv4 = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(value);
  const [address, port] = bracketed
    ? [bracketed[1] ?? '', bracketed[2]]
    : ipv4
      ? [ipv4[1] ?? '', ipv4[2]]
      : [value, undefined];
  const family = isIP(address);
  if (family === 0) {
    throw new GatewayOptionError(
      'resolver',
      value,
      'must be an IP address, optionally with ":port" (IPv6 in brackets)',
    );
  }
  if (port !== undefined) portOption('resolver', Number(port));
  const host = family === 6 ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}

function listenAddressOption(value: string): string {
  const family = isIP(value.replace(/^\[(.*)\]$/, '$1'));
  if (family === 0) throw new GatewayOptionError('listenAddress', value, 'must be an IP address');
  return family === 6 ? `[${value.replace(/^\[(.*)\]$/, '$1')}]` : value;
}

/** The input with defaults applied and every option checked; throws GatewayOptionError. */
export function gatewayOptions(input: GatewayConfigInput): GatewayOptions {
  if (!DNS_LABEL.test(input.namespace))
    throw new GatewayOptionError('namespace', input.namespace, 'must be a DNS label');
  if (!DNS_LABEL.test(input.gateway))
    throw new GatewayOptionError('gateway', input.gateway, 'must be a DNS label');
  const clusterDomain = input.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  if (!DNS_SUBDOMAIN.test(clusterDomain)) {
    throw new GatewayOptionError('clusterDomain', clusterDomain, 'must be a DNS subdomain');
  }
  const errorLog = input.errorLog ?? 'stderr';
  const resolverValidSeconds = input.resolverValidSeconds ?? 5;
  if (!Number.isInteger(resolverValidSeconds) || resolverValidSeconds < 1 || resolverValidSeconds > 3600) {
    throw new GatewayOptionError(
      'resolverValidSeconds',
      resolverValidSeconds,
      'must be an integer from 1 to 3600',
    );
  }
  const workerProcesses = input.workerProcesses ?? 'auto';
  if (
    workerProcesses !== 'auto' &&
    (!Number.isInteger(workerProcesses) || workerProcesses < 1 || workerProcesses > 256)
  ) {
    throw new GatewayOptionError(
      'workerProcesses',
      workerProcesses,
      'must be "auto" or an integer from 1 to 256',
    );
  }
  const options: GatewayOptions = {
    namespace: input.namespace,
    gateway: input.gateway,
    routes: input.routes,
    models: input.models,
    resolver: resolverAddress(input.resolver),
    listenPort: portOption('listenPort', input.listenPort ?? DEFAULT_LISTEN_PORT),
    apiKeysDirectory: pathOption('apiKeysDirectory', input.apiKeysDirectory ?? DEFAULT_API_KEYS_DIRECTORY),
    credentialsDirectory: pathOption(
      'credentialsDirectory',
      input.credentialsDirectory ?? DEFAULT_CREDENTIALS_DIRECTORY,
    ),
    metricsPort: portOption('metricsPort', input.metricsPort ?? DEFAULT_METRICS_PORT),
    modulesDirectory: pathOption('modulesDirectory', input.modulesDirectory ?? DEFAULT_MODULES_DIRECTORY),
    runtimeDirectory: pathOption('runtimeDirectory', input.runtimeDirectory ?? DEFAULT_RUNTIME_DIRECTORY),
    trustedCertificatesFile: pathOption(
      'trustedCertificatesFile',
      input.trustedCertificatesFile ?? DEFAULT_TRUSTED_CERTIFICATES_FILE,
    ),
    accessLog: pathOption('accessLog', input.accessLog ?? '/dev/stdout'),
    errorLog: errorLog === 'stderr' ? errorLog : pathOption('errorLog', errorLog),
    clusterDomain,
    resolverValidSeconds,
    workerProcesses,
    allowLocalEgress: input.allowLocalEgress ?? false,
  };
  if (input.listenAddress !== undefined) options.listenAddress = listenAddressOption(input.listenAddress);
  return options;
}
