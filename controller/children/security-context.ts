// The Pod Security Standards "restricted" profile, so children run in namespaces that enforce it.
import type { ContainerSecurityContext, PodTemplate } from './kube-objects.ts';

export function restrictedContainerSecurityContext(
  readOnlyRootFilesystem: boolean,
): ContainerSecurityContext {
  return {
    allowPrivilegeEscalation: false,
    ...(readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function restrictedPodSecurityContext(): PodTemplate['spec']['securityContext'] {
  return { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
}
