// The objects that run one gateway: a ConfigMap with the rendered nginx configuration, a Deployment of
// nginx that mounts it (and the API-key Secrets its routes name, and the provider keys of the models they
// reach) with the reloader beside it, and a Service
// on port 80. They are owned by every route the gateway serves, so the garbage collector removes them with
// the last one.
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import type { OwnerReference } from '../../../shared/kube/meta-v1-types.ts';
import { GATEWAY_CONFIG_FILE } from '../../../shared/gateway/render-gateway-config.ts';
import type { GatewayConfig } from '../../../shared/gateway/render-gateway-config.ts';
import type { ConfigMap, Deployment, Service } from '../kube-objects.ts';
import { gatewayLabels, gatewaySelectorLabels } from '../labels.ts';
import { sharedOwnerReference } from '../owner-references.ts';
import { gatewayChildName } from './gateway-names.ts';
import {
  renderGatewayPodTemplate,
  type CredentialSecretMount,
  type GatewayPodSettings,
} from './gateway-pod.ts';

const GATEWAY_SERVICE_PORT = 80;

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
  /** Secrets holding the provider keys of the models the served routes reach; unset: none. */
  credentialSecrets?: readonly CredentialSecretMount[];
  config: GatewayConfig;
  pod: GatewayPodSettings;
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

function renderGatewayConfigMap(input: GatewayChildrenInput): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(input),
    data: { [GATEWAY_CONFIG_FILE]: input.config.config, ...input.config.files },
  };
}

function renderGatewayService(input: GatewayChildrenInput): Service {
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

/**
 * Replicas are left out: the API server defaults one, and people or an autoscaler may change it. The
 * configuration is not in the template: the reloader has running pods load it.
 */
export function renderGatewayDeployment(input: GatewayChildrenInput): Deployment {
  const name = gatewayChildName(input.gateway);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(input),
    spec: {
      selector: { matchLabels: gatewaySelectorLabels(input.gateway) },
      template: renderGatewayPodTemplate(
        input.gateway,
        name,
        input.apiKeySecrets,
        input.pod,
        input.credentialSecrets,
      ),
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
