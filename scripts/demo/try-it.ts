// What to type while the demo keeps running: the environment for kubectl, and commands that show the
// operator at work.
import { dirname, relative } from 'node:path';
import type { DemoOutput } from './demo-output.ts';
import {
  AI_ROUTE_PATH,
  ECHO_SERVICE,
  FALLBACK_MODEL_SERVER,
  INVALID_SAMPLE,
  PRIMARY_MODEL_SERVER,
  REPO_ROOT,
} from './demo-settings.ts';
import { API_KEY_NAME, API_KEY_SECRET } from './read-api-key.ts';
import type { RunningDemo } from './run-demo.ts';

export function printTryIt({ cluster, gateway, workDir }: RunningDemo, out: DemoOutput): void {
  const gatewayURL = `http://127.0.0.1:${gateway.port}`;
  out.step('In another shell:');
  out.output(
    [
      `export KUBECONFIG=${cluster.kubeconfigPath}`,
      `export PATH=${dirname(cluster.kubectl.target.kubectlPath)}:$PATH   # kubectl ${cluster.kubernetesVersion}`,
      '',
      'kubectl get agr,aim -A',
      'kubectl describe agr secure-route',
      'kubectl get apigatewayroutes.v1alpha1.gateway.example.com -o yaml   # every route, converted to v1alpha1',
      'kubectl get configmap agw-default -o jsonpath="{.data.nginx\\.conf}"',
      `kubectl apply -f ${relative(REPO_ROOT, INVALID_SAMPLE)}`,
      'kubectl delete aimodel llama-chat   # its Deployment, Service and ConfigMap go with it',
      `curl -i ${gatewayURL}/hello`,
      `kubectl patch agr hello-route --type=merge -p '{"spec":{"path":"/hi"}}'   # then: curl -i ${gatewayURL}/hi`,
      `curl -i -H "X-API-Key: $(kubectl get secret ${API_KEY_SECRET} -o jsonpath='{.data.team-b}' | base64 -d)" ${gatewayURL}/secure`,
      `curl -s -H "Authorization: Bearer $(kubectl get secret ${API_KEY_SECRET} -o jsonpath='{.data.${API_KEY_NAME}}' | base64 -d)" ${gatewayURL}${AI_ROUTE_PATH}/models`,
      `curl -s -H 'X-API-Key: demo-key-for-team-b' -d '{"model":"llama-3","messages":[]}' ${gatewayURL}${AI_ROUTE_PATH}/chat/completions`,
      `curl -s http://127.0.0.1:${gateway.metricsPort}/metrics   # tokens by route, consumer and model`,
    ].join('\n'),
  );
  out.step(
    `The local nginx (${gatewayURL}) follows the gateway's ConfigMap and Secrets; of the Services, ` +
      `only ${ECHO_SERVICE}, ${PRIMARY_MODEL_SERVER.service} and ${FALLBACK_MODEL_SERVER.service} answer (others: 502).`,
  );
  out.step(`Logs: ${workDir} (webhook, controller), ${cluster.logsDir} (control plane)`);
  out.step('Ctrl-C stops everything.');
}
