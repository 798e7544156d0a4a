// Runs build.sh before a cluster is started: a no-op when every binary is cached (or given through
// $E2E_ASSETS), a full build the first time on a machine.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUILD_SCRIPT = fileURLToPath(new URL('./build.sh', import.meta.url));

export function ensureBinaries(): Promise<void> {
  return new Promise((resolve, reject) => {
    // Build output goes to stderr so that it is visible without polluting what callers print.
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', process.stderr, process.stderr] });
    child.on('error', (err) =>
      reject(new Error(`cannot run ${BUILD_SCRIPT}: ${err.message}`, { cause: err })),
    );
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`${BUILD_SCRIPT} failed (${code === null ? `signal ${signal}` : `exit code ${code}`})`),
        );
    });
  });
}
