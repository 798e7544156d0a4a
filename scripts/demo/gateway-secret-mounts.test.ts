import { describe, expect, it } from '@jest/globals';
import { renderGatewayDeployment } from '../../controller/children/gateway/gateway-children.ts';
import { testGatewayPodSettings } from '../../controller/children/gateway/testing/pod-settings.ts';
import { apiKeySecretMounts } from './gateway-secret-mounts.ts';

function gatewayDeployment(apiKeySecrets: string[]) {
  return renderGatewayDeployment({
    namespace: 'default',
    gateway: 'default',
    routes: [],
    apiKeySecrets,
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
