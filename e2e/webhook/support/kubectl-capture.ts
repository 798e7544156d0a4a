// kubectl with both output streams and the exit code, for assertions on what a user sees: refusals and
// warnings are printed on standard error.
import { spawn } from 'node:child_process';
import { e2eKubeconfig, kubectlPath } from '../../setup/cluster-env.ts';

export interface KubectlOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function kubectlCapture(args: readonly string[], input = ''): Promise<KubectlOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath(), [`--kubeconfig=${e2eKubeconfig()}`, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
