import { describe, expect, it } from '@jest/globals';
import { renderGatewayChildren } from '../../controller/children/gateway/gateway-children.ts';
import { testGatewayPodSettings } from '../../controller/children/gateway/testing/pod-settings.ts';
import { GatewayNotFoundError, readGatewaySnapshot } from './gateway-snapshot.ts';
import type { JSONReader } from './gateway-snapshot.ts';

const children = renderGatewayChildren({
  namespace: 'shop',
  gateway: 'edge',
  routes: [],
  apiKeySecrets: ['team-keys', 'missing-keys'],
  credentialSecrets: [{ name: 'provider', keys: ['api-key'] }],
  config: { config: 'events {}\n', files: { 'gateway-api-keys.js': '// js' }, hash: 'h' },
  pod: testGatewayPodSettings(),
});

const base64 = (text: string) => Buffer.from(text).toString('base64');

function apiServer(objects: Record<string, unknown>): JSONReader & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    getJSON: async (path: string) => {
      paths.push(path);
      return objects[path];
    },
  };
}

describe('readGatewaySnapshot', () => {
  it('reads the ConfigMap and the data of each Secret the Deployment mounts, decoded, by mount', async () => {
    const api = apiServer({
      '/api/v1/namespaces/shop/configmaps/agw-edge': children.configMap,
      '/apis/apps/v1/namespaces/shop/deployments/agw-edge': children.deployment,
      '/api/v1/namespaces/shop/secrets/team-keys': { data: { a: base64('key-a'), b: base64('key-b\n') } },
      '/api/v1/namespaces/shop/secrets/provider': {
        data: { 'api-key': base64('sk-provider'), other: base64('not mounted') },
      },
    });
    expect(await readGatewaySnapshot(api, 'shop', 'agw-edge')).toEqual({
      config: 'events {}\n',
      files: { 'gateway-api-keys.js': '// js' },
      // A missing optional Secret is an empty volume in the pod.
      apiKeys: { 'missing-keys': {}, 'team-keys': { a: 'key-a', b: 'key-b\n' } },
      // Only the keys the volume names.
      credentials: { provider: { 'api-key': 'sk-provider' } },
    });
  });

  it('is undefined while the gateway has no ConfigMap or Deployment', async () => {
    const api = apiServer({ '/api/v1/namespaces/shop/configmaps/agw-edge': children.configMap });
    expect(await readGatewaySnapshot(api, 'shop', 'agw-edge')).toBeUndefined();
  });

  it('refuses a ConfigMap without nginx.conf, naming the gateway', async () => {
    const api = apiServer({
      '/api/v1/namespaces/shop/configmaps/agw-edge': { ...children.configMap, data: {} },
      '/apis/apps/v1/namespaces/shop/deployments/agw-edge': children.deployment,
    });
    await expect(readGatewaySnapshot(api, 'shop', 'agw-edge')).rejects.toThrow(
      new GatewayNotFoundError('shop', 'agw-edge', 'ConfigMap holds no nginx.conf'),
    );
  });
});
