// `npm run demo`: the operator end to end on a local control plane, left running until Ctrl-C (or, with
// --no-wait / DEMO_EXIT=1, stopped right after showing the result). Exit code 0 when everything shown
// worked and was cleaned up, 1 when a step failed, 2 for bad arguments, 130/143 when interrupted before
// the result was shown.
import { rm } from 'node:fs/promises';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { CleanupStack } from './cleanup-stack.ts';
import { DEMO_USAGE, DemoOptionsError, parseDemoOptions } from './demo-options.ts';
import type { DemoOptions } from './demo-options.ts';
import { DemoOutput, formatSeconds } from './demo-output.ts';
import { GATEWAY_CHILD_NAME, SAMPLES_NAMESPACE } from './demo-settings.ts';
import { followGateway } from './follow-gateway.ts';
import { runDemo } from './run-demo.ts';
import { printTryIt } from './try-it.ts';
import { waitForAbort } from './wait-for-abort.ts';

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

function readOptions(): DemoOptions | number {
  try {
    return parseDemoOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof DemoOptionsError)) throw error;
    console.error(error.message);
    return 2;
  }
}

async function main(): Promise<number> {
  const options = readOptions();
  if (typeof options === 'number') return options;
  if (options.help) {
    console.log(DEMO_USAGE);
    return 0;
  }

  const started = Date.now();
  const out = new DemoOutput(process.stdout);
  const cleanup = new CleanupStack();
  const interruption = new AbortController();
  let receivedSignal: StopSignal | undefined;
  let cluster: LocalCluster | undefined;
  // The control plane runs in process groups of its own, which would outlive this process.
  process.once('exit', () => cluster?.killNow());
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) {
    process.on(signal, () => {
      if (receivedSignal !== undefined) {
        console.error(`${signal} again: killing the control plane without waiting`);
        process.exit(SIGNAL_EXIT_CODES[signal]);
      }
      receivedSignal = signal;
      console.error(`\n${signal}: stopping the demo and everything it started...`);
      interruption.abort(new Error(`interrupted by ${signal}`));
    });
  }

  let shown = false;
  let failure: unknown;
  try {
    const running = await runDemo({
      out,
      cleanup,
      signal: interruption.signal,
      onCluster: (c) => (cluster = c),
    });
    shown = true;
    out.section(options.wait ? 'Running until Ctrl-C' : 'Done');
    out.step(`up and shown in ${formatSeconds(Date.now() - started)}`);
    if (options.wait) {
      printTryIt(running, out);
      const follower = followGateway(
        running.cluster.adminAPI(),
        running.gateway,
        { namespace: SAMPLES_NAMESPACE, childName: GATEWAY_CHILD_NAME },
        out,
      );
      cleanup.push('stop following the gateway configuration', () => follower.stop());
      await waitForAbort(interruption.signal);
    }
  } catch (error) {
    // A step cut short by Ctrl-C fails in its own way; the interruption is what happened.
    if (!interruption.signal.aborted) failure = error;
  }

  out.section('Cleaning up');
  const failedSteps = await cleanup.runAll();
  for (const { name, error } of failedSteps) console.error(`cleanup: could not ${name}: ${error.message}`);
  const clean = failure === undefined && failedSteps.length === 0;
  if (cluster !== undefined) {
    // Certificates, kubeconfigs and logs are worth keeping only to look into a failure.
    if (clean) await rm(cluster.stateDir, { recursive: true, force: true });
    out.step(
      clean
        ? 'every process the demo started is stopped; the cluster state is removed'
        : `logs kept in ${cluster.stateDir}`,
    );
  }

  if (failure !== undefined) {
    console.error(`\ndemo failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    return 1;
  }
  if (failedSteps.length > 0) return 1;
  if (!shown && receivedSignal !== undefined) return SIGNAL_EXIT_CODES[receivedSignal];
  return 0;
}

process.exitCode = await main();
