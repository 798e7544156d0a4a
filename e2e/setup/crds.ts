// The operator's CRDs as crds/ has them, installed on the e2e cluster by every suite that needs them.
import { API_KINDS, crdName } from '../../shared/api/kinds.ts';
import { kubectl } from './cluster-env.ts';

/** Applies crds/ server-side (taking over fields other suites set) and waits until all are Established. */
export async function installCRDs(): Promise<void> {
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', 'crds/']);
  await kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    ...API_KINDS.map((k) => `crd/${crdName(k)}`),
  ]);
}
