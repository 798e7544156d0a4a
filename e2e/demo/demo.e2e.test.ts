// `npm run demo -- --no-wait` as a user runs it, on a control plane of its own: it shows what it promises
// (every sample Ready, the children, the webhook's refusal, a v1alpha1 route read as v1, the gateway's
// answers), exits 0, and leaves no process it started running, nor its cluster's state.
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
      'The sample backend on this machine',
      'Local Kubernetes control plane',
      'Install the Helm chart',
      'Run the webhook and the controller on this machine',
      'Apply the samples and the seed examples',
      'Routes, models and what the controller made for them',
      'Admission: the webhook refuses an invalid AIModel',
      'Conversion: a v1alpha1 route read back as v1',
      'Requests through the gateway configuration the controller wrote',
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
    const routes = ['chat-route', 'hello-route', 'legacy-route', 'my-backend-route', 'secure-route'];
    const models = ['gpt-4o-mini', 'llama-chat', 'new-llm-model'];
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
    const answers = [...run.stdout.matchAll(/\$ curl -i (.*)\n\s+(HTTP \d+.*)/g)].map(
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
