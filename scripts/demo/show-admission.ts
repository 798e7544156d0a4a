// An object the webhook refuses at admission, with the API server's message: what is wrong, where.
import { relative } from 'node:path';
import { CommandError } from '../../e2e/cluster/errors.ts';
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import type { DemoOutput } from './demo-output.ts';
import { INVALID_SAMPLE, REPO_ROOT, SAMPLES_NAMESPACE } from './demo-settings.ts';

/** How kubectl reports an object refused at admission: the webhook's field errors, or its denial. */
const REFUSAL = /is invalid:|denied the request/;

class AdmissionNotRefusedError extends Error {
  readonly file: string;
  constructor(file: string) {
    super(`${file} was admitted; the webhook should have refused it`);
    this.name = 'AdmissionNotRefusedError';
    this.file = file;
  }
}

export async function showAdmission(cluster: LocalCluster, out: DemoOutput): Promise<void> {
  const file = relative(REPO_ROOT, INVALID_SAMPLE);
  out.command(['kubectl', 'apply', '-n', SAMPLES_NAMESPACE, '-f', file]);
  try {
    await cluster.kubectl.run(['apply', '-n', SAMPLES_NAMESPACE, '-f', INVALID_SAMPLE]);
  } catch (error) {
    // Only a refusal is the point; anything else (the API server unreachable) is a failure.
    if (!(error instanceof CommandError) || !REFUSAL.test(error.stderr)) throw error;
    out.output(error.stderr);
    return;
  }
  throw new AdmissionNotRefusedError(file);
}
