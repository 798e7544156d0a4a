// The controller as the image runs it, for every benchmark stage that reads its memory: the compiled
// build (not the sources, whose type stripping as they load costs the process about 30 MiB more), with
// the NODE_OPTIONS the chart gives it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What the image runs (Dockerfile, chart). */
export const CONTROLLER_SCRIPT = 'dist/controller/main.js';
/** The NODE_OPTIONS the chart gives the controller (templates/controller/deployment.yaml). */
export const CONTROLLER_NODE_OPTIONS = '--max-semi-space-size=4';

/** Compiles the controller as the image's build does (`tsc -p tsconfig.build.json` into dist/). */
export function buildController(): Promise<void> {
  return new Promise((resolve, reject) => {
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.on('error', (err) => reject(new Error(`cannot run tsc: ${err.message}`, { cause: err })));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`tsc failed (${code === null ? `signal ${signal}` : `exit code ${code}`})`));
    });
  });
}
