// `npm run build`: the processes run from dist/, as the image runs them.
import { runCommand } from '../../e2e/cluster/run-command.ts';
import { REPO_ROOT } from './demo-settings.ts';

const BUILD_TIMEOUT_MS = 600_000;

export async function buildProject(): Promise<void> {
  // npm sets npm_execpath when it runs the demo; started by hand, `npm` on PATH does the same.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli
    ? [process.execPath, [npmCli, 'run', '--silent', 'build', '--prefix', REPO_ROOT]]
    : ['npm', ['run', '--silent', 'build', '--prefix', REPO_ROOT]];
  await runCommand(command, args, { timeoutMs: BUILD_TIMEOUT_MS });
}
