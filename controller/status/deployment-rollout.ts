// How far a Deployment is from serving its current template with every replica, read from what the
// Deployment controller reports.
import type { Deployment } from '../children/kube-objects.ts';

export type RolloutState = 'Available' | 'Progressing' | 'Failed';

export interface Rollout {
  state: RolloutState;
  /** Pods serving requests now, from any template version. */
  availableReplicas: number;
  message: string;
}

export function deploymentRollout(deployment: Deployment): Rollout {
  const name = deployment.metadata.name ?? '';
  const desired = deployment.spec.replicas ?? 1;
  const status = deployment.status ?? {};
  const available = status.availableReplicas ?? 0;
  const progress = (message: string): Rollout => ({
    state: 'Progressing',
    availableReplicas: available,
    message,
  });

  const generation = deployment.metadata.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) {
    return progress(`Deployment ${name}: waiting for the rollout of generation ${generation} to start`);
  }
  const stalled = status.conditions?.find(
    (c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
  );
  if (stalled) {
    return {
      state: 'Failed',
      availableReplicas: available,
      message: `Deployment ${name}: rollout stalled: ${stalled.message ?? 'progress deadline exceeded'}`,
    };
  }
  const updated = status.updatedReplicas ?? 0;
  if (updated < desired) return progress(`Deployment ${name}: ${updated} of ${desired} pods updated`);
  const old = (status.replicas ?? 0) - updated;
  if (old > 0) return progress(`Deployment ${name}: ${old} old pods terminating`);
  if (available < desired) return progress(`Deployment ${name}: ${available} of ${desired} pods available`);
  return {
    state: 'Available',
    availableReplicas: available,
    message: `Deployment ${name}: ${available} of ${desired} pods available`,
  };
}
