// Gateway pod settings for tests that render gateway children but do not look at the pod.
import type { GatewayPodSettings } from '../gateway-pod.ts';

export function testGatewayPodSettings(image = 'nginx:test'): GatewayPodSettings {
  return {
    image,
    reloaderImage: 'ai-gateway-operator:test',
    reloaderStatusPort: 9901,
    workerShutdownTimeoutSeconds: 300,
    terminationGracePeriodSeconds: 330,
  };
}
