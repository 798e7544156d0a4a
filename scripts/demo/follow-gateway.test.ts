import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderGatewayChildren } from '../../controller/children/gateway/gateway-children.ts';
import { testGatewayPodSettings } from '../../controller/children/gateway/testing/pod-settings.ts';
import { DemoOutput } from './demo-output.ts';
import { followGateway } from './follow-gateway.ts';
import type { GatewaySnapshot } from './gateway-snapshot.ts';
import type { GatewayUpdate } from './local-gateway.ts';

function gatewayObjects(config: string): Record<string, unknown> {
  const children = renderGatewayChildren({
    namespace: 'shop',
    gateway: 'edge',
    routes: [],
    apiKeySecrets: [],
    config: { config, files: {}, hash: 'h' },
    pod: testGatewayPodSettings(),
  });
  return {
    '/api/v1/namespaces/shop/configmaps/agw-edge': children.configMap,
    '/apis/apps/v1/namespaces/shop/deployments/agw-edge': children.deployment,
  };
}

describe('followGateway', () => {
  it('hands every new snapshot to the gateway, says what changed, and says a problem once', async () => {
    let objects = gatewayObjects('events {}\n');
    const received: string[] = [];
    let nextUpdate: GatewayUpdate = 'unchanged';
    let printed = '';
    let reads = 0;
    const follower = followGateway(
      {
        getJSON: async (path: string) => {
          reads += 1;
          return objects[path];
        },
      },
      {
        update: async (snapshot: GatewaySnapshot) => {
          received.push(snapshot.config);
          return nextUpdate;
        },
      },
      { namespace: 'shop', childName: 'agw-edge' },
      new DemoOutput({ write: (text: string) => (printed += text) }),
      5,
    );
    const waitForPolls = async (count: number) => {
      const target = received.length + count;
      while (received.length < target) await sleep(5);
    };
    try {
      await waitForPolls(2);
      expect(printed).toBe('');
      nextUpdate = 'reloaded';
      objects = gatewayObjects('events { worker_connections 64; }\n');
      await waitForPolls(1);
      expect(received.at(-1)).toBe('events { worker_connections 64; }\n');
      expect(printed).toContain('gateway shop/agw-edge: new configuration, nginx reloaded');
      nextUpdate = 'unchanged';
      printed = '';
      objects = {};
      // Several polls after the objects are gone (each reads the ConfigMap at least), said once.
      const readsBefore = reads;
      while (reads < readsBefore + 5) await sleep(5);
      expect(printed).toBe(
        '   gateway shop/agw-edge: not updated: its ConfigMap or Deployment is gone (no routes left?)\n',
      );
    } finally {
      await follower.stop();
    }
    const polls = received.length;
    await sleep(30);
    expect(received).toHaveLength(polls);
  });
});
