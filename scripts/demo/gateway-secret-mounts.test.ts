import { describe, expect, it } from '@jest/globals';
import { renderGatewayDeployment } from '../../controller/children/gateway/gateway-children.ts';
import { testGatewayPodSettings } from '../../controller/children/gateway/testing/pod-settings.ts';
import { apiKeySecretMounts, credentialSecretMounts } from './gateway-secret-mounts.ts';

function gatewayDeployment(
  apiKeySecrets: string[],
  credentialSecrets: { name: string; keys: string[] }[] = [],
) {
  return renderGatewayDeployment({
    namespace: 'default',
    gateway: 'default',
    routes: [],
    apiKeySecrets,
    credentialSecrets,
    config: { config: 'events {}\n', files: {}, hash: 'h' },
    pod: testGatewayPodSettings(),
  });
}

describe('apiKeySecretMounts', () => {
  it("finds each API-key Secret the controller's gateway Deployment mounts, and where", () => {
    expect(apiKeySecretMounts(gatewayDeployment(['team-keys', 'admin-keys']))).toEqual([
      { secretName: 'admin-keys', subdirectory: 'admin-keys', optional: true },
      { secretName: 'team-keys', subdirectory: 'team-keys', optional: true },
    ]);
  });

  it('finds none when no route checks API keys (the configuration volume is no Secret)', () => {
    expect(apiKeySecretMounts(gatewayDeployment([]))).toEqual([]);
  });
});

describe('credentialSecretMounts', () => {
  it('finds each provider-credentials Secret with the only keys mounted, and none among the API keys', () => {
    const deployment = gatewayDeployment(
      ['team-keys'],
      [
        { name: 'openai', keys: ['api-key'] },
        { name: 'azure', keys: ['key', 'other'] },
      ],
    );
    expect(credentialSecretMounts(deployment)).toEqual([
      { secretName: 'azure', subdirectory: 'azure', optional: true, items: { key: 'key', other: 'other' } },
      { secretName: 'openai', subdirectory: 'openai', optional: true, items: { 'api-key': 'api-key' } },
    ]);
    expect(apiKeySecretMounts(deployment).map((m) => m.secretName)).toEqual(['team-keys']);
  });
});
