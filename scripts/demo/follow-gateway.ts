// While the demo keeps running, the local nginx follows the cluster as a gateway pod would: a new
// configuration in the ConfigMap is loaded, changed API keys and provider keys are written to the Secret
// files.
import type { DemoOutput } from './demo-output.ts';
import { readGatewaySnapshot } from './gateway-snapshot.ts';
import type { JSONReader } from './gateway-snapshot.ts';
import type { LocalGateway } from './local-gateway.ts';

const DEFAULT_POLL_INTERVAL_MS = 2_000;

export interface GatewayFollower {
  stop(): Promise<void>;
}

export function followGateway(
  api: JSONReader,
  gateway: Pick<LocalGateway, 'update'>,
  where: { namespace: string; childName: string },
  out: DemoOutput,
  intervalMs = DEFAULT_POLL_INTERVAL_MS,
): GatewayFollower {
  const name = `${where.namespace}/${where.childName}`;
  let lastProblem = '';
  const poll = async () => {
    try {
      const snapshot = await readGatewaySnapshot(api, where.namespace, where.childName);
      if (snapshot === undefined) throw new Error('its ConfigMap or Deployment is gone (no routes left?)');
      const update = await gateway.update(snapshot);
      if (update === 'reloaded') out.step(`gateway ${name}: new configuration, nginx reloaded`);
      if (update === 'keys') out.step(`gateway ${name}: API keys or provider keys updated`);
      lastProblem = '';
    } catch (error) {
      // Said once, not every poll; nginx keeps serving what it has.
      const problem = (error as Error).message;
      if (problem !== lastProblem) out.step(`gateway ${name}: not updated: ${problem}`);
      lastProblem = problem;
    }
  };
  // The next poll is scheduled when one ends, so a slow API server never stacks them up.
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      current = poll().then(() => {
        if (!stopped) schedule();
      });
    }, intervalMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
