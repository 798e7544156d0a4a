import { describe, expect, it } from '@jest/globals';
import { restrictedPodSecurityViolations } from './restricted-pod-security.ts';
import type { PodSpec } from './rendered-objects.ts';

const restricted: PodSpec = {
  securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'app',
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
    },
  ],
  volumes: [{ name: 'tmp', emptyDir: {} }],
};

function withContainerContext(context: Record<string, unknown>): PodSpec {
  const [container] = restricted.containers;
  return {
    ...restricted,
    containers: [{ ...container!, securityContext: { ...container!.securityContext, ...context } }],
  };
}

describe('restrictedPodSecurityViolations', () => {
  it('accepts a pod that meets the restricted standard', () => {
    expect(restrictedPodSecurityViolations(restricted)).toEqual([]);
  });

  it.each([
    [
      'privilege escalation',
      withContainerContext({ allowPrivilegeEscalation: true }),
      'allowPrivilegeEscalation',
    ],
    ['a root user', withContainerContext({ runAsUser: 0 }), 'runAsUser must not be 0'],
    ['a root-capable container', withContainerContext({ runAsNonRoot: false }), 'runAsNonRoot'],
    [
      'capabilities kept',
      withContainerContext({ capabilities: { drop: ['NET_RAW'] } }),
      'drop must include ALL',
    ],
    [
      'capabilities added',
      withContainerContext({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } }),
      'add may only',
    ],
    [
      'an unconfined seccomp profile',
      withContainerContext({ seccompProfile: { type: 'Unconfined' } }),
      'seccompProfile',
    ],
    [
      'a writable root filesystem',
      withContainerContext({ readOnlyRootFilesystem: false }),
      'readOnlyRootFilesystem',
    ],
    ['a privileged container', withContainerContext({ privileged: true }), 'privileged'],
    ['the host network', { ...restricted, hostNetwork: true }, 'hostNetwork'],
    [
      'a hostPath volume',
      { ...restricted, volumes: [{ name: 'h', hostPath: { path: '/' } }] },
      'hostPath volumes',
    ],
  ])('flags %s', (_, spec, expected) => {
    expect(restrictedPodSecurityViolations(spec).join('\n')).toContain(expected);
  });
});
