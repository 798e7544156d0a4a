// Waits until the API server calls the webhook under test successfully. It picks the injected CA bundle up
// asynchronously, for admission and for conversion apart: a server-side dry run of a v1alpha1 route (admitted,
// then converted to the stored v1) goes through only when both trust the webhook.
import { waitFor } from '../../setup/cluster-env.ts';
import { kubectlCapture } from './kubectl-capture.ts';

export async function waitForAdmission(namespace: string): Promise<void> {
  const probe = JSON.stringify({
    apiVersion: 'gateway.example.com/v1alpha1',
    kind: 'APIGatewayRoute',
    metadata: { name: 'probe', namespace },
    spec: { path: '/probe', targetService: 'probe:8080', authentication: false },
  });
  await waitFor(
    async () => (await kubectlCapture(['create', '--dry-run=server', '-f', '-'], probe)).code === 0,
    {
      description: 'the API server to call the webhook successfully',
      timeoutMs: 60_000,
      intervalMs: 500,
    },
  );
}
