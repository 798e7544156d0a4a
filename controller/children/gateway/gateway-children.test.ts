import { describe, expect, it } from '@jest/globals';
import type { APIGatewayRouteV1 } from '../../../shared/api/apigatewayroute/v1.ts';
import { GATEWAY_LABEL, MANAGED_BY_LABEL } from '../labels.ts';
import { renderGatewayChildren, renderGatewayDeployment } from './gateway-children.ts';
import type { GatewayChildrenInput } from './gateway-children.ts';

function route(name: string, uid: string): APIGatewayRouteV1 {
  return {
    apiVersion: 'gateway.example.com/v1',
    kind: 'APIGatewayRoute',
    metadata: { name, namespace: 'shop', uid },
    spec: { path: `/${name}`, method: 'GET', destinationService: 'svc', destinationPort: 80 },
  };
}

const input: GatewayChildrenInput = {
  namespace: 'shop',
  gateway: 'edge',
  routes: [route('b', 'uid-b'), route('a', 'uid-a')],
  apiKeySecrets: ['keys-two', 'keys-one'],
  config: { config: 'events {}\n', files: { 'gateway-api-keys.js': '// js' }, hash: 'abc123' },
  pod: {
    image: 'nginx-unprivileged:test',
    reloaderImage: 'operator:test',
    reloaderStatusPort: 9901,
    workerShutdownTimeoutSeconds: 300,
    terminationGracePeriodSeconds: 330,
  },
};
const children = renderGatewayChildren(input);

describe('gateway children', () => {
  it('names, labels and owns them by every route, in a stable order, without blocking deletion', () => {
    for (const child of [children.configMap, children.service, children.deployment]) {
      expect(child.metadata).toMatchObject({
        name: 'agw-edge',
        namespace: 'shop',
        labels: { [MANAGED_BY_LABEL]: 'ai-gateway-operator', [GATEWAY_LABEL]: 'edge' },
      });
      expect(child.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'gateway.example.com/v1',
          kind: 'APIGatewayRoute',
          name: 'a',
          uid: 'uid-a',
          controller: false,
          blockOwnerDeletion: false,
        },
        {
          apiVersion: 'gateway.example.com/v1',
          kind: 'APIGatewayRoute',
          name: 'b',
          uid: 'uid-b',
          controller: false,
          blockOwnerDeletion: false,
        },
      ]);
    }
  });

  it('puts nginx.conf and the files beside it in the ConfigMap', () => {
    expect(children.configMap.data).toEqual({ 'nginx.conf': 'events {}\n', 'gateway-api-keys.js': '// js' });
  });

  it('runs nginx on 8080 with its metrics on 9113, from the mounted configuration, read-only', () => {
    const { deployment } = children;
    expect(deployment.spec.replicas).toBeUndefined();
    const [nginx] = deployment.spec.template.spec.containers;
    expect(nginx).toMatchObject({
      image: 'nginx-unprivileged:test',
      command: [
        'nginx',
        '-e',
        'stderr',
        '-c',
        '/etc/gateway/config/nginx.conf',
        '-g',
        'daemon off; worker_shutdown_timeout 300s; error_log /tmp/reload-errors.log emerg;',
      ],
      ports: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9113, protocol: 'TCP' },
      ],
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false },
    });
    expect(nginx?.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/gateway/config', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'api-keys-0', mountPath: '/etc/gateway/api-keys/keys-one', readOnly: true },
      { name: 'api-keys-1', mountPath: '/etc/gateway/api-keys/keys-two', readOnly: true },
    ]);
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: 'config',
      configMap: { name: 'agw-edge' },
    });
  });

  it('leaves the configuration out of the pod template: a change of routes rolls no pod', () => {
    const other = renderGatewayDeployment({
      ...input,
      config: { config: 'events { }\n', files: {}, hash: 'def456' },
    });
    expect(other.spec.template).toEqual(children.deployment.spec.template);
    expect(JSON.stringify(children.deployment)).not.toContain('abc123');
  });

  it('writes requests and limits in the form the API server stores them', () => {
    const deployment = renderGatewayDeployment({
      ...input,
      pod: {
        ...input.pod,
        resources: { requests: { cpu: '0.1', memory: '65536Ki' }, limits: { cpu: '1000m', memory: '256Mi' } },
      },
    });
    expect(deployment.spec.template.spec.containers[0]?.resources).toEqual({
      requests: { cpu: '100m', memory: '64Mi' },
      limits: { cpu: '1', memory: '256Mi' },
    });
  });

  it('leaves out what is not set', () => {
    const resources = (requests: Record<string, string>, limits: Record<string, string>) =>
      renderGatewayDeployment({ ...input, pod: { ...input.pod, resources: { requests, limits } } }).spec
        .template.spec.containers[0]?.resources;
    expect(resources({ cpu: '100m' }, {})).toEqual({ requests: { cpu: '100m' } });
    expect(resources({}, { memory: '1Gi' })).toEqual({ limits: { memory: '1Gi' } });
    expect(resources({}, {})).toBeUndefined();
    expect(children.deployment.spec.template.spec.containers[0]).not.toHaveProperty('resources');
  });

  it('puts port 80 in front of the gateway pods', () => {
    expect(children.service.spec).toEqual({
      type: 'ClusterIP',
      selector: { [GATEWAY_LABEL]: 'edge', 'app.kubernetes.io/component': 'gateway' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
  });
});
