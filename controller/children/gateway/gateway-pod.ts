// The pod of a gateway: nginx serving the mounted ConfigMap, and the reloader (the operator's own image)
// that has nginx load a new configuration when the kubelet updates the mount, so that a change of routes
// reaches running pods without a rollout. The template holds nothing that changes with the routes, only
// what the pod itself is (images, resources, the Secrets it mounts), so only that rolls the pods.
//
// The two containers share the pod's process namespace and run as the same user (the nginx image's 101),
// so the reloader can signal the nginx master and nothing else: no capability, no service account token.
import type { ResourceRequirements } from '../../../shared/kube/core-v1-types.ts';
import {
  DEFAULT_API_KEYS_DIRECTORY,
  DEFAULT_CREDENTIALS_DIRECTORY,
  DEFAULT_LISTEN_PORT,
  DEFAULT_METRICS_PORT,
} from '../../../shared/gateway/gateway-options.ts';
import {
  GATEWAY_CONFIG_DIR,
  NGINX_RUNTIME_DIR,
  RELOAD_ERROR_LOG_FILE,
  RELOADER_NGINX_RUNTIME_DIR,
} from '../../../shared/gateway/reloader-pod-layout.ts';
import { GATEWAY_CONFIG_FILE } from '../../../shared/gateway/render-gateway-config.ts';
import { canonicalResources } from '../canonical-quantity.ts';
import type { Container, PodTemplate, Probe, Volume, VolumeMount } from '../kube-objects.ts';
import { gatewayLabels } from '../labels.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security-context.ts';

const GATEWAY_CONTAINER = 'nginx';
export const RELOADER_CONTAINER = 'reloader';
/** The reloader's entry in the operator's image (whose entrypoint is node). */
export const RELOADER_SCRIPT = 'dist/gateway-reloader/main.js';
export const RELOADER_PORT_NAME = 'reload-status';
/** nginx's own metrics (Prometheus text at /metrics): requests and tokens of AI routes. */
export const METRICS_PORT_NAME = 'metrics';
/** The user of the nginx-unprivileged image, given to both containers. */
const GATEWAY_USER = 101;

/** A Node.js process that sleeps between looks: small, and never worth evicting the pod for. */
const RELOADER_RESOURCES: ResourceRequirements = {
  requests: { cpu: '10m', memory: '48Mi' },
  limits: { memory: '128Mi' },
};

/** A Secret holding provider keys, and the data keys of it that models name: only those are mounted. */
export interface CredentialSecretMount {
  name: string;
  keys: readonly string[];
}

export interface GatewayPodSettings {
  /** The nginx image. */
  image: string;
  /** Of the nginx container; unset or empty: none. */
  resources?: ResourceRequirements;
  /** The operator's image, which runs the reloader. */
  reloaderImage: string;
  /** Where the reloader answers `GET /status`, read by the controller. */
  reloaderStatusPort: number;
  /** How long nginx's old workers may finish their requests after a reload or stop (streamed answers). */
  workerShutdownTimeoutSeconds: number;
  /** Longer than workerShutdownTimeoutSeconds, so that a stopping pod finishes its streams. */
  terminationGracePeriodSeconds: number;
}

/**
 * nginx's arguments (after the binary) as the gateway container runs them. `-e stderr`: the built-in error
 * log path is not writable before the configuration is read. `-g` adds what is the pod's rather than the
 * routes': how long old workers may finish, and the [emerg] file the reloader reads refusals from.
 */
export function gatewayNginxArgs(
  configFile: string,
  runtimeDirectory: string,
  workerShutdownTimeoutSeconds: number,
): string[] {
  return [
    '-e',
    'stderr',
    '-c',
    configFile,
    '-g',
    `daemon off; worker_shutdown_timeout ${workerShutdownTimeoutSeconds}s; error_log ${runtimeDirectory}/${RELOAD_ERROR_LOG_FILE} emerg;`,
  ];
}

function httpProbe(port: string, periodSeconds: number, failureThreshold: number): Probe {
  return { httpGet: { path: '/healthz', port }, periodSeconds, timeoutSeconds: 1, failureThreshold };
}

function secretVolumes(secrets: readonly string[]): { volumes: Volume[]; mounts: VolumeMount[] } {
  const sorted = [...new Set(secrets)].sort();
  return {
    // Optional: a Secret created after its route must not keep the whole gateway from starting; until it
    // exists the route answers 401.
    volumes: sorted.map((secretName, i) => ({
      name: `api-keys-${i}`,
      secret: { secretName, optional: true },
    })),
    mounts: sorted.map((secretName, i) => ({
      name: `api-keys-${i}`,
      mountPath: `${DEFAULT_API_KEYS_DIRECTORY}/${secretName}`,
      readOnly: true,
    })),
  };
}

/**
 * One volume per Secret at <credentials directory>/<secret>/<key>, where the gateway reads a model's key on
 * every request: only the keys models name (the Secret may hold others), read-only.
 */
function credentialVolumes(secrets: readonly CredentialSecretMount[]): {
  volumes: Volume[];
  mounts: VolumeMount[];
} {
  const keys = new Map<string, Set<string>>();
  for (const { name, keys: named } of secrets) {
    const set = keys.get(name) ?? new Set<string>();
    for (const key of named) set.add(key);
    keys.set(name, set);
  }
  const sorted = [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    // Optional: a Secret created after its model, or a key added later, applies once the kubelet sees it;
    // until then the gateway answers the model's requests 503, never sending them without a key.
    volumes: sorted.map(([secretName, named], i) => ({
      name: `credentials-${i}`,
      secret: {
        secretName,
        optional: true,
        items: [...named].sort().map((key) => ({ key, path: key })),
      },
    })),
    mounts: sorted.map(([secretName], i) => ({
      name: `credentials-${i}`,
      mountPath: `${DEFAULT_CREDENTIALS_DIRECTORY}/${secretName}`,
      readOnly: true,
    })),
  };
}

function nginxContainer(settings: GatewayPodSettings, secretMounts: VolumeMount[]): Container {
  const resources = canonicalResources(settings.resources);
  return {
    name: GATEWAY_CONTAINER,
    image: settings.image,
    // The image's entrypoint scripts want to edit files under a read-only root; nginx needs none of them.
    // Its STOPSIGNAL (SIGQUIT) stops nginx gracefully, bounded by worker_shutdown_timeout.
    command: [
      'nginx',
      ...gatewayNginxArgs(
        `${GATEWAY_CONFIG_DIR}/${GATEWAY_CONFIG_FILE}`,
        NGINX_RUNTIME_DIR,
        settings.workerShutdownTimeoutSeconds,
      ),
    ],
    ports: [
      { name: 'http', containerPort: DEFAULT_LISTEN_PORT, protocol: 'TCP' },
      { name: METRICS_PORT_NAME, containerPort: DEFAULT_METRICS_PORT, protocol: 'TCP' },
    ],
    ...(resources ? { resources } : {}),
    readinessProbe: httpProbe('http', 5, 3),
    livenessProbe: httpProbe('http', 10, 6),
    securityContext: restrictedContainerSecurityContext(true),
    volumeMounts: [
      { name: 'config', mountPath: GATEWAY_CONFIG_DIR, readOnly: true },
      { name: 'tmp', mountPath: NGINX_RUNTIME_DIR },
      ...secretMounts,
    ],
  };
}

/** No readiness probe: whether the pod takes traffic is nginx's answer alone, never the reloader's. */
function reloaderContainer(settings: GatewayPodSettings): Container {
  return {
    name: RELOADER_CONTAINER,
    image: settings.reloaderImage,
    args: [RELOADER_SCRIPT, `--status-address=:${settings.reloaderStatusPort}`],
    ports: [{ name: RELOADER_PORT_NAME, containerPort: settings.reloaderStatusPort, protocol: 'TCP' }],
    resources: canonicalResources(RELOADER_RESOURCES),
    livenessProbe: httpProbe(RELOADER_PORT_NAME, 10, 6),
    securityContext: restrictedContainerSecurityContext(true),
    volumeMounts: [
      { name: 'config', mountPath: GATEWAY_CONFIG_DIR, readOnly: true },
      { name: 'tmp', mountPath: RELOADER_NGINX_RUNTIME_DIR, readOnly: true },
    ],
  };
}

export function renderGatewayPodTemplate(
  gateway: string,
  configMapName: string,
  apiKeySecrets: readonly string[],
  settings: GatewayPodSettings,
  credentialSecrets: readonly CredentialSecretMount[] = [],
): PodTemplate {
  const secrets = secretVolumes(apiKeySecrets);
  const credentials = credentialVolumes(credentialSecrets);
  return {
    metadata: { labels: gatewayLabels(gateway) },
    spec: {
      automountServiceAccountToken: false,
      shareProcessNamespace: true,
      terminationGracePeriodSeconds: settings.terminationGracePeriodSeconds,
      securityContext: {
        ...restrictedPodSecurityContext(),
        runAsUser: GATEWAY_USER,
        runAsGroup: GATEWAY_USER,
      },
      containers: [
        nginxContainer(settings, [...secrets.mounts, ...credentials.mounts]),
        reloaderContainer(settings),
      ],
      volumes: [
        { name: 'config', configMap: { name: configMapName } },
        { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
        ...secrets.volumes,
        ...credentials.volumes,
      ],
    },
  };
}
