import { describe, expect, it } from '@jest/globals';
import { restrictedPodSecurityViolations } from '../../../test/chart/restricted-pod-security.ts';
import type { PodSpec } from '../../../test/chart/rendered-objects.ts';
import { RELOADER_SCRIPT, renderGatewayPodTemplate, type GatewayPodSettings } from './gateway-pod.ts';

const settings: GatewayPodSettings = {
  image: 'nginx-unprivileged:test',
  reloaderImage: 'ghcr.io/example/ai-gateway-operator:test',
  reloaderStatusPort: 9901,
  workerShutdownTimeoutSeconds: 300,
  terminationGracePeriodSeconds: 330,
};
const template = renderGatewayPodTemplate('edge', 'agw-edge', ['keys'], settings);
const [nginx, reloader] = template.spec.containers;

describe('the gateway pod', () => {
  it('runs the reloader from the operator image beside nginx, sharing its processes and its user', () => {
    expect(template.spec.shareProcessNamespace).toBe(true);
    expect(template.spec.securityContext).toMatchObject({ runAsUser: 101, runAsGroup: 101 });
    expect(reloader).toMatchObject({
      name: 'reloader',
      image: 'ghcr.io/example/ai-gateway-operator:test',
      args: [RELOADER_SCRIPT, '--status-address=:9901'],
      ports: [{ name: 'reload-status', containerPort: 9901, protocol: 'TCP' }],
      livenessProbe: { httpGet: { path: '/healthz', port: 'reload-status' } },
      resources: { requests: { cpu: '10m', memory: '48Mi' }, limits: { memory: '128Mi' } },
    });
    // The pod takes traffic when nginx is ready, whatever the reloader does.
    expect(reloader).not.toHaveProperty('readinessProbe');
  });

  it("mounts the configuration into both, and nginx's runtime directory into the reloader read-only", () => {
    expect(reloader?.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/gateway/config', readOnly: true },
      { name: 'tmp', mountPath: '/run/nginx', readOnly: true },
    ]);
    expect(nginx?.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    // The reloader reads no Secret.
    expect(JSON.stringify(reloader)).not.toContain('api-keys');
  });

  it('lets streams finish: old workers get workerShutdownTimeoutSeconds, a stopping pod more', () => {
    expect(nginx?.command?.at(-1)).toContain('worker_shutdown_timeout 300s;');
    expect(template.spec.terminationGracePeriodSeconds).toBe(330);
  });

  it('mounts only the named keys of provider-credentials Secrets into nginx, optional, sorted', () => {
    const credentials = renderGatewayPodTemplate('edge', 'agw-edge', ['keys'], settings, [
      { name: 'openai', keys: ['team-b', 'team-a'] },
      { name: 'anthropic', keys: ['key'] },
      { name: 'openai', keys: ['team-a'] },
    ]);
    const [withCredentials, reloaderOf] = credentials.spec.containers;
    expect((credentials.spec.volumes ?? []).filter((v) => v.name.startsWith('credentials-'))).toEqual([
      {
        name: 'credentials-0',
        secret: { secretName: 'anthropic', optional: true, items: [{ key: 'key', path: 'key' }] },
      },
      {
        name: 'credentials-1',
        secret: {
          secretName: 'openai',
          optional: true,
          items: [
            { key: 'team-a', path: 'team-a' },
            { key: 'team-b', path: 'team-b' },
          ],
        },
      },
    ]);
    expect(withCredentials?.volumeMounts?.filter((m) => m.name.startsWith('credentials-'))).toEqual([
      { name: 'credentials-0', mountPath: '/etc/gateway/credentials/anthropic', readOnly: true },
      { name: 'credentials-1', mountPath: '/etc/gateway/credentials/openai', readOnly: true },
    ]);
    // The API-key Secret stays where it was; the reloader reads neither.
    expect(withCredentials?.volumeMounts).toContainEqual({
      name: 'api-keys-0',
      mountPath: '/etc/gateway/api-keys/keys',
      readOnly: true,
    });
    expect(JSON.stringify(reloaderOf)).not.toContain('credentials');
    // The same Secrets in another order give the same template.
    expect(
      renderGatewayPodTemplate('edge', 'agw-edge', ['keys'], settings, [
        { name: 'openai', keys: ['team-a', 'team-b'] },
        { name: 'anthropic', keys: ['key'] },
      ]),
    ).toEqual(credentials);
    expect((template.spec.volumes ?? []).some((v) => v.name.startsWith('credentials-'))).toBe(false);
  });

  it("names the port of nginx's metrics", () => {
    expect(nginx?.ports).toContainEqual({ name: 'metrics', containerPort: 9113, protocol: 'TCP' });
  });

  it('meets the restricted Pod Security Standard with a read-only root filesystem, and holds no token', () => {
    expect(restrictedPodSecurityViolations(template.spec as unknown as PodSpec)).toEqual([]);
    expect(template.spec.automountServiceAccountToken).toBe(false);
  });
});
