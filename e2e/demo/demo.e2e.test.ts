// `npm run demo -- --no-wait` as a user runs it, on a control plane of its own: it shows what it promises
// (every sample Ready, the children, the webhook's refusal, a v1alpha1 route read as v1, the gateway's
// answers, and as an AI gateway the provider key, a fallback and the token counters), exits 0, and leaves
// no process it started running, nor its cluster's state.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildSubreaper, removeSubreaper, runSubreaped } from './subreaper.ts';
import type { RunningSubreaped, SubreapedRun } from './subreaper.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Build, control plane, install, samples, cleanup: about two minutes on two shared cores. */
const DEMO_TIMEOUT_MS = 6 * 60_000;

/** The lines after the one holding `marker`, up to the next command or section. */
function outputAfter(stdout: string, marker: string): string {
  const start = stdout.indexOf(marker);
  if (start < 0) throw new Error(`the demo printed no ${JSON.stringify(marker)}:\n${stdout}`);
  const rest = stdout.slice(start + marker.length);
  const end = rest.search(/\n\s*(\$ |==> )/);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('npm run demo -- --no-wait', () => {
  let subreaper: string | undefined;
  let demo: RunningSubreaped | undefined;
  let run: SubreapedRun;

  beforeAll(async () => {
    subreaper = await buildSubreaper();
    // Under a subreaper: whatever the demo leaves running is reparented to it, so the check below
    // does not depend on catching processes while they run.
    demo = runSubreaped(subreaper, process.execPath, ['scripts/demo/main.ts', '--no-wait'], {
      cwd: REPO_ROOT,
    });
    const timeout = sleep(DEMO_TIMEOUT_MS - 30_000, 'timeout' as const, { ref: false });
    const result = await Promise.race([demo.done, timeout]);
    if (result === 'timeout') throw new Error('the demo did not finish in time');
    run = result;
  }, DEMO_TIMEOUT_MS);

  afterAll(async () => {
    if (subreaper) removeSubreaper(subreaper);
    if (!demo) return;
    // A demo still running (this test timed out) gets what Ctrl-C would send, then the group is killed.
    const still = await Promise.race([demo.done.then(() => false), sleep(0, true)]);
    if (still) {
      process.kill(-demo.pid, 'SIGINT');
      const stopped = await Promise.race([demo.done.then(() => true), sleep(60_000, false)]);
      if (!stopped) process.kill(-demo.pid, 'SIGKILL');
    }
  }, 90_000);

  it('exits 0 after showing each part in its own section', () => {
    expect({ exitCode: run.exitCode, signal: run.signal, stderr: run.stderr }).toMatchObject({
      exitCode: 0,
      signal: undefined,
    });
    const sections = [...run.stdout.matchAll(/^==> \d+\. (.*)$/gm)].map((m) => m[1]);
    expect(sections).toEqual([
      'Build',
      'The sample backends on this machine',
      'Local Kubernetes control plane',
      'Install the Helm chart',
      'Run the webhook and the controller on this machine',
      'Apply the samples and the seed examples',
      'Routes, models and what the controller made for them',
      'Admission: the webhook refuses an invalid AIModel',
      'Conversion: a v1alpha1 route read back as v1',
      'Requests through the gateway configuration the controller wrote',
      'AI gateway: provider key, fallback and token metrics through the same nginx',
      'Done',
      'Cleaning up',
    ]);
  });

  it("runs both processes from dist/ as the chart's ServiceAccounts", () => {
    expect(run.stdout).toMatch(/\$ node dist\/webhook\/main\.js /);
    expect(run.stdout).toMatch(/\$ node dist\/controller\/main\.js /);
    expect(run.stdout).toContain('as system:serviceaccount:ai-gateway-operator:ai-gateway-operator-webhook');
    expect(run.stdout).toContain(
      'as system:serviceaccount:ai-gateway-operator:ai-gateway-operator-controller',
    );
  });

  it('brings every sample and seed example to Ready, with the children the controller made', () => {
    const routes = [
      'chat-route',
      'hello-route',
      'legacy-route',
      'my-backend-route',
      'openai-route',
      'secure-route',
    ];
    const models = ['gpt-4o', 'gpt-4o-mini', 'llama-3-fallback', 'llama-chat', 'new-llm-model'];
    const table = outputAfter(run.stdout, '$ kubectl get agr,aim -A');
    for (const route of [...routes, 'sentiment-analysis-route']) {
      expect(table).toMatch(new RegExp(`apigatewayroute\\.gateway\\.example\\.com/${route} .* Ready +True `));
    }
    for (const model of models) {
      expect(table).toMatch(new RegExp(`aimodel\\.ai\\.example\\.com/${model} .* Ready +True `));
    }
    const children = outputAfter(run.stdout, 'app.kubernetes.io/managed-by=ai-gateway-operator -A');
    expect(children).toMatch(/deployment\.apps\/agw-default +1\/1 /);
    expect(children).toMatch(/deployment\.apps\/aim-llama-chat +1\/1 /);
    expect(children).toMatch(/service\/aim-gpt-4o-mini +ExternalName .* api\.openai\.com /);
    expect(children).toMatch(/configmap\/agw-default /);
    expect(children).toMatch(
      /service\/aim-gpt-4o +ExternalName .* llm-primary\.default\.svc\.cluster\.local /,
    );
  });

  it("prints the webhook's reason for refusing the invalid AIModel", () => {
    expect(outputAfter(run.stdout, 'samples/invalid/aimodel-requests-over-limit.yaml')).toContain(
      'spec.resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1',
    );
  });

  it('reads the v1alpha1 route back as v1', () => {
    const v1 = outputAfter(
      run.stdout,
      'apigatewayroutes.v1.gateway.example.com/legacy-route -n default -o yaml',
    );
    expect(v1).toContain('apiVersion: gateway.example.com/v1\n');
    expect(v1).toContain('destinationService: echo');
    expect(v1).toContain('destinationPort: 5678');
    expect(v1).toContain('method: ANY');
    expect(v1).toContain('rateLimit: 10');
  });

  it('shows the gateway answering 200, 401 without a key, 200 with one, and 404', () => {
    const requests = run.stdout.slice(0, run.stdout.indexOf('==> 11. AI gateway'));
    const answers = [...requests.matchAll(/\$ curl -i (.*)\n\s+(HTTP \d+.*)/g)].map(
      ([, request, answer]) => `${request!.replace(/127\.0\.0\.1:\d+/, 'gateway')} => ${answer}`,
    );
    expect(answers).toEqual([
      'http://gateway/hello/world => HTTP 200, answered by Service echo: GET /hello/world',
      expect.stringMatching(/^http:\/\/gateway\/secure\/data => HTTP 401 from the gateway: .*API key/),
      "-H 'Authorization: Bearer demo-key-for-team-a' http://gateway/secure/data => " +
        'HTTP 200, answered by Service echo: GET /secure/data',
      'http://gateway/legacy => HTTP 200, answered by Service echo: GET /legacy',
      expect.stringMatching(/^http:\/\/gateway\/nowhere => HTTP 404 from the gateway: /),
    ]);
  });

  it('mounts the provider key for the local nginx as the pod would, and serves the metrics port', () => {
    const gateway = outputAfter(
      run.stdout,
      'Requests through the gateway configuration the controller wrote',
    );
    expect(gateway).toContain(
      'Secret default/demo-provider-key: provider key api-key, mounted as in the pod (and only it)',
    );
    expect(gateway).toMatch(
      /nginx \(pid \d+\) serves it on 127\.0\.0\.1:\d+, its metrics on 127\.0\.0\.1:\d+;/,
    );
  });

  it('sends a chat completion to the model the body names, with the provider key and not the client key', () => {
    const ai = run.stdout.slice(run.stdout.indexOf('==> 11. AI gateway'));
    const chats = [...ai.matchAll(/\$ curl -i (.*)\n\s+(HTTP \d+.*)/g)].map(
      ([, request, answer]) => `${request!.replace(/127\.0\.0\.1:\d+/, 'gateway')} => ${answer}`,
    );
    const request =
      "-H 'Authorization: Bearer demo-key-for-team-a' -H 'Content-Type: application/json' " +
      `-d '{"model":"gpt-4o","messages":[{"role":"user","content":"Say hello"}]}' ` +
      'http://gateway/openai/v1/chat/completions';
    expect(chats).toEqual([
      `${request} => HTTP 200, X-AI-Gateway-Model: gpt-4o: "hello from llm-primary" (12 prompt + 5 completion tokens)`,
      `${request} => HTTP 200, X-AI-Gateway-Model: llama-3-fallback: "hello from llm-fallback" (9 prompt + 4 completion tokens)`,
    ]);
    expect(ai).toContain(
      'llm-primary received POST /v1/chat/completions for model "gpt-4o" with Authorization: Bearer ' +
        "sk-demo-provider-key-0001, the key of Secret default/demo-provider-key; the client's key did not reach it",
    );
  });

  it('answers from the fallback model when the first fails, and says which answered', () => {
    const ai = run.stdout.slice(run.stdout.indexOf('==> 11. AI gateway'));
    expect(ai).toContain('llm-primary answers its next request 503; the same request again:');
    expect(ai).toContain(
      "llm-primary answered 503, so the gateway asked gpt-4o's fallback llama-3-fallback: llm-fallback received " +
        'POST /v1/chat/completions for model "meta-llama/Meta-Llama-3-8B-Instruct", without gpt-4o\'s provider key',
    );
    const log = outputAfter(ai, 'access log (standard output in the pod) for both:');
    expect(log).toContain(
      '{"consumer":"team-a","requestedModel":"gpt-4o","model":"gpt-4o","status":200,"promptTokens":"12","completionTokens":"5"}',
    );
    expect(log).toContain(
      '{"consumer":"team-a","requestedModel":"gpt-4o","model":"llama-3-fallback","status":200,"promptTokens":"9","completionTokens":"4"}',
    );
  });

  it("moves the token counters on the gateway's metrics port by the tokens the models reported", () => {
    const ai = run.stdout.slice(run.stdout.indexOf('==> 11. AI gateway'));
    const metricsCommand =
      /curl -s http:\/\/127\.0\.0\.1:\d+\/metrics \| grep 'route="default\/openai-route"'/;
    const [before, after] = ai.split(/\n\s+\$ /).filter((part) => metricsCommand.test(part));
    expect(before).toContain('(none yet)');
    const counter = (model: string, type: string) =>
      `gen_ai_client_token_usage_total{route="default/openai-route",consumer="team-a",gen_ai_request_model="${model}",gen_ai_token_type="${type}"}`;
    expect(after).toContain(`${counter('gpt-4o', 'input')} 12`);
    expect(after).toContain(`${counter('gpt-4o', 'output')} 5`);
    expect(after).toContain(`${counter('llama-3-fallback', 'input')} 9`);
    expect(after).toContain(`${counter('llama-3-fallback', 'output')} 4`);
    expect(after).toContain(
      'gen_ai_gateway_requests_total{route="default/openai-route",consumer="team-a",gen_ai_request_model="llama-3-fallback",code="200"} 1',
    );
    expect(ai).toContain(
      'gen_ai_client_token_usage_total of consumer team-a: input 0 -> 21, output 0 -> 9 ' +
        '(the models reported 12 + 9 prompt and 5 + 4 completion tokens)',
    );
  });

  it('leaves no process it started running, and removes its cluster state', () => {
    // What it started, by its own account: the control plane, nginx and the two processes.
    expect(run.stdout).toMatch(/nginx \(pid \d+\) serves it on 127\.0\.0\.1:\d+/);
    expect(run.stdout.match(/\$ node dist\/webhook\/main\.js /g)).toHaveLength(1);
    expect(run.stdout.match(/\$ node dist\/controller\/main\.js /g)).toHaveLength(1);
    expect(run.leftovers.map((p) => `${p.pid} ${p.commandLine}`)).toEqual([]);
    const stateDir = /state and logs: (\S+)/.exec(run.stdout)?.[1];
    expect(stateDir).toBeDefined();
    expect(existsSync(stateDir!)).toBe(false);
    expect(run.stdout).toContain('every process the demo started is stopped');
  });
});
