// How far a Deployment is from serving its current template with every replica, read from what the
// Deployment controller reports.
import type { Deployment } from '../children/kube-objects.ts';

type RolloutState = 'Available' | 'Progressing' | 'Failed';

export interface Rollout {
  state: RolloutState;
  /** spec.replicas. At 0 the rollout is Available with no pod: complete, but nothing serves. */
  desiredReplicas: number;
  /** Pods serving requests now, from any template version. */
  availableReplicas: number;
  message: string;
}

export function deploymentRollout(deployment: Deployment): Rollout {
  const name = deployment.metadata.name ?? '';
  const desired = deployment.spec.replicas ?? 1;
  const status = deployment.status ?? {};
  const available = status.availableReplicas ?? 0;
  // One message for every step of a rollout, changing only with the pods available: each change of
  // message is a status write on the owner.
  const progress: Rollout = {
    state: 'Progressing',
    desiredReplicas: desired,
    availableReplicas: available,
    message: `Deployment ${name}: rolling out, ${available} of ${desired} pods available`,
  };

  const generation = deployment.metadata.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) return progress;
  const stalled = status.conditions?.find(
    (c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
  );
  if (stalled) {
    return {
      state: 'Failed',
      desiredReplicas: desired,
      availableReplicas: available,
      message: `Deployment ${name}: rollout stalled: ${stalled.message ?? 'progress deadline exceeded'}`,
    };
  }
  const updated = status.updatedReplicas ?? 0;
  const old = (status.replicas ?? 0) - updated;
  if (updated < desired || old > 0 || available < desired) return progress;
  return {
    state: 'Available',
    desiredReplicas: desired,
    availableReplicas: available,
    message: `Deployment ${name}: ${available} of ${desired} pods available`,
  };
}
