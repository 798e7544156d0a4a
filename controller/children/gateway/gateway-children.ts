// The objects that run one gateway: a ConfigMap with the rendered nginx configuration, a Deployment of
// nginx that mounts it (and the API-key Secrets its routes name), and a Service on port 80. They are
// owned by every route the gateway serves, so the garbage collector removes them with the last one.
import type { ResourceRequirements } from '../../../shared/api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import type { OwnerReference } from '../../../shared/api/meta.ts';
import { DEFAULT_API_KEYS_DIRECTORY, DEFAULT_LISTEN_PORT } from '../../../shared/gateway/gateway-options.ts';
import { GATEWAY_CONFIG_FILE } from '../../../shared/gateway/render-gateway-config.ts';
import type { GatewayConfig } from '../../../shared/gateway/render-gateway-config.ts';
import { canonicalResources } from '../canonical-quantity.ts';
import type { ConfigMap, Deployment, Probe, Service, Volume, VolumeMount } from '../kube-objects.ts';
import { CONFIG_HASH_ANNOTATION, gatewayLabels, gatewaySelectorLabels } from '../labels.ts';
import { sharedOwnerReference } from '../owner-references.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security-context.ts';
import { gatewayChildName } from './gateway-names.ts';

export const GATEWAY_CONTAINER = 'nginx';
export const GATEWAY_SERVICE_PORT = 80;
/** Where the ConfigMap is mounted: nginx.conf and the files the renderer puts beside it. */
export const GATEWAY_CONFIG_DIR = '/etc/gateway/config';
/** The renderer's default runtime directory: the only place nginx writes. */
const RUNTIME_DIR = '/tmp';

export interface GatewayChildren {
  configMap: ConfigMap;
  service: Service;
  deployment: Deployment;
}

export interface GatewayChildrenInput {
  namespace: string;
  gateway: string;
  /** Every route that names the gateway: the owners. */
  routes: readonly APIGatewayRouteV1[];
  /** Secrets holding the API keys of the served routes. */
  apiKeySecrets: readonly string[];
  config: GatewayConfig;
  image: string;
  /** Of the nginx container; unset or empty: none, and the pods are BestEffort. */
  resources?: ResourceRequirements;
}

/** Sorted by UID, so the same routes always give the same list. */
function owners(routes: readonly APIGatewayRouteV1[]): OwnerReference[] {
  return routes.map(sharedOwnerReference).sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
}

function metadata(input: GatewayChildrenInput): ConfigMap['metadata'] {
  return {
    name: gatewayChildName(input.gateway),
    namespace: input.namespace,
    labels: gatewayLabels(input.gateway),
    ownerReferences: owners(input.routes),
  };
}

function httpProbe(periodSeconds: number, failureThreshold: number): Probe {
  return { httpGet: { path: '/healthz', port: 'http' }, periodSeconds, timeoutSeconds: 1, failureThreshold };
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

export function renderGatewayConfigMap(input: GatewayChildrenInput): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(input),
    data: { [GATEWAY_CONFIG_FILE]: input.config.config, ...input.config.files },
  };
}

export function renderGatewayService(input: GatewayChildrenInput): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(input),
    spec: {
      type: 'ClusterIP',
      selector: gatewaySelectorLabels(input.gateway),
      ports: [{ name: 'http', port: GATEWAY_SERVICE_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** Replicas are left out: the API server defaults one, and people or an autoscaler may change it. */
export function renderGatewayDeployment(input: GatewayChildrenInput): Deployment {
  const secrets = secretVolumes(input.apiKeySecrets);
  const resources = canonicalResources(input.resources);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(input),
    spec: {
      selector: { matchLabels: gatewaySelectorLabels(input.gateway) },
      template: {
        metadata: {
          labels: gatewayLabels(input.gateway),
          annotations: { [CONFIG_HASH_ANNOTATION]: input.config.hash },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(),
          containers: [
            {
              name: GATEWAY_CONTAINER,
              image: input.image,
              // The image's entrypoint scripts want to edit files under a read-only root; nginx needs none of
              // them. `-e stderr`: the built-in error log path is not writable before the configuration is read.
              command: [
                'nginx',
                '-e',
                'stderr',
                '-c',
                `${GATEWAY_CONFIG_DIR}/${GATEWAY_CONFIG_FILE}`,
                '-g',
                'daemon off;',
              ],
              ports: [{ name: 'http', containerPort: DEFAULT_LISTEN_PORT, protocol: 'TCP' }],
              ...(resources ? { resources } : {}),
              readinessProbe: httpProbe(5, 3),
              livenessProbe: httpProbe(10, 6),
              securityContext: restrictedContainerSecurityContext(true),
              volumeMounts: [
                { name: 'config', mountPath: GATEWAY_CONFIG_DIR, readOnly: true },
                { name: 'tmp', mountPath: RUNTIME_DIR },
                ...secrets.mounts,
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: gatewayChildName(input.gateway) } },
            { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
            ...secrets.volumes,
          ],
        },
      },
    },
  };
}

export function renderGatewayChildren(input: GatewayChildrenInput): GatewayChildren {
  return {
    configMap: renderGatewayConfigMap(input),
    service: renderGatewayService(input),
    deployment: renderGatewayDeployment(input),
  };
}
