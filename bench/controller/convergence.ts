// Waiting for a set of objects to reach their goal, and how long it took: Deployments available, custom
// resources Ready at their current generation. Lists (not watches) once a second, as a person would check.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import type { ResourceDescriptor } from '../../shared/kube/resource.ts';
import type { Condition } from '../../shared/kube/meta-v1-types.ts';
import type { Deployment } from '../../controller/children/kube-objects.ts';
import { deploymentRollout } from '../../controller/status/deployment-rollout.ts';
import { waitFor } from '../../e2e/setup/cluster-env.ts';

export function isAvailable(deployment: Deployment): boolean {
  return deploymentRollout(deployment).state === 'Available';
}

export function isReady(object: KubeObject): boolean {
  const status = object.status as { observedGeneration?: number; conditions?: Condition[] } | undefined;
  return (
    status?.observedGeneration === object.metadata.generation &&
    (status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

async function listAll<T extends KubeObject>(
  api: KubeAPI,
  resource: ResourceDescriptor,
  namespace: string,
): Promise<T[]> {
  const items: T[] = [];
  let continueToken: string | undefined;
  do {
    const page = await api.list<T>(resource, {
      namespace,
      limit: 500,
      ...(continueToken ? { continueToken } : {}),
    });
    items.push(...page.items);
    continueToken = page.continueToken;
  } while (continueToken);
  return items;
}

/** Waits until `expected` objects of `resource` in `namespace` all satisfy `done`; resolves with seconds waited. */
export async function timeUntil<T extends KubeObject>(
  api: KubeAPI,
  resource: ResourceDescriptor,
  namespace: string,
  expected: number,
  done: (object: T) => boolean,
  startedAt: number,
  timeoutMs: number,
): Promise<number> {
  await waitFor(
    async () => {
      const items = await listAll<T>(api, resource, namespace);
      return items.length === expected && items.every(done);
    },
    {
      description: `${expected} ${resource.resource} in ${namespace} to be done`,
      timeoutMs,
      intervalMs: 1000,
    },
  );
  return (Date.now() - startedAt) / 1000;
}
