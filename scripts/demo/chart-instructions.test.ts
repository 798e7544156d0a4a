import { describe, expect, it } from '@jest/globals';
import {
  ChartOutputError,
  crdPatchesFromNotes,
  deploymentCommandFromManifest,
  webhookCommandFromNotes,
} from './chart-instructions.ts';

// The shape of the chart's NOTES.txt for webhook.externalURL (templates/NOTES.txt).
const NOTES = `NAME: ai-gateway-operator
STATUS: deployed
NOTES:
ai-gateway-operator 0.1.0 is installed in namespace ai-gateway-operator.

1. Wait for both processes:

   kubectl -n ai-gateway-operator rollout status deployment/ai-gateway-operator-controller

   The webhook is expected at https://127.0.0.1:9443 (webhook.externalURL). Run it there (after
   \`npm run build\`) as the ServiceAccount ai-gateway-operator/ai-gateway-operator-webhook, with a kubeconfig holding a token from
   \`kubectl -n ai-gateway-operator create token ai-gateway-operator-webhook\`:

   node dist/webhook/main.js --log-level=info --port=9443 --extra-sans=127.0.0.1 --kubeconfig=<that kubeconfig>

2. Point the CRDs' conversion at the same URL (Helm does not template CRDs):
   kubectl patch crd apigatewayroutes.gateway.example.com --type=merge -p '{"spec":{"conversion":{"webhook":{"clientConfig":{"service":null,"url":"https://127.0.0.1:9443/convert"}}}}}'
   kubectl patch crd aimodels.ai.example.com --type=merge -p '{"spec":{"conversion":{"webhook":{"clientConfig":{"service":null,"url":"https://127.0.0.1:9443/convert"}}}}}'
`;

const MANIFEST = `---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ai-gateway-operator-controller
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ai-gateway-operator-controller
spec:
  template:
    spec:
      containers:
        - name: controller
          args:
            - dist/controller/main.js
            - --log-level=info
`;

describe("the chart's instructions", () => {
  it("reads the webhook's command line from NOTES.txt, without the kubeconfig placeholder", () => {
    expect(webhookCommandFromNotes(NOTES)).toEqual({
      script: 'dist/webhook/main.js',
      flags: ['--log-level=info', '--port=9443', '--extra-sans=127.0.0.1'],
    });
  });

  it("reads each CRD's conversion patch from NOTES.txt", () => {
    const url = 'https://127.0.0.1:9443/convert';
    const patch = JSON.stringify({
      spec: { conversion: { webhook: { clientConfig: { service: null, url } } } },
    });
    expect(crdPatchesFromNotes(NOTES)).toEqual([
      { crd: 'apigatewayroutes.gateway.example.com', patch },
      { crd: 'aimodels.ai.example.com', patch },
    ]);
  });

  it("reads a Deployment's container arguments from the release manifest", () => {
    expect(deploymentCommandFromManifest(MANIFEST, 'ai-gateway-operator-controller')).toEqual({
      script: 'dist/controller/main.js',
      flags: ['--log-level=info'],
    });
  });

  it('says what it looked for and shows what the chart printed when it is not there', () => {
    const inCluster = 'NOTES:\n   kubectl -n x rollout status deployment/x-webhook\n';
    expect(() => webhookCommandFromNotes(inCluster)).toThrow(ChartOutputError);
    expect(() => webhookCommandFromNotes(inCluster)).toThrow(
      /NOTES\.txt has no command line for the webhook; it said:\nNOTES:/,
    );
    expect(() => crdPatchesFromNotes(inCluster)).toThrow('kubectl patch crd lines');
    expect(() => deploymentCommandFromManifest(MANIFEST, 'other')).toThrow(
      'manifest has no Deployment other with container args',
    );
  });
});
