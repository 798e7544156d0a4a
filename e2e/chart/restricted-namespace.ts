// A namespace that enforces the "restricted" Pod Security Standard and warns about any violation.
import { applyYAML } from '../setup/cluster-env.ts';

export async function createRestrictedNamespace(name: string): Promise<void> {
  const labels = Object.fromEntries(
    ['enforce', 'warn', 'audit'].flatMap((mode) => [
      [`pod-security.kubernetes.io/${mode}`, 'restricted'],
      [`pod-security.kubernetes.io/${mode}-version`, 'latest'],
    ]),
  );
  await applyYAML(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
}
