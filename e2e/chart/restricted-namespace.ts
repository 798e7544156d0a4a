// A namespace that enforces the "restricted" Pod Security Standard and warns about any violation.
import { applyYaml } from '../setup/cluster-env.ts';

export async function createRestrictedNamespace(name: string): Promise<void> {
  const labels = Object.fromEntries(
    ['enforce', 'warn', 'audit'].flatMap((mode) => [
      [`pod-security.kubernetes.io/${mode}`, 'restricted'],
      [`pod-security.kubernetes.io/${mode}-version`, 'latest'],
    ]),
  );
  await applyYaml(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
}
