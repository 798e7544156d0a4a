// The checks of the "restricted" Pod Security Standard (Kubernetes 1.30+) that a pod template can fail,
// plus a read-only root filesystem, which the chart promises too. Each violation names the field.
import type { Container, PodSpec } from './rendered-objects.ts';

const RESTRICTED_VOLUME_SOURCES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

type SecurityContext = Record<string, unknown>;

function field(context: SecurityContext | undefined, path: string[]): unknown {
  let value: unknown = context;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

function containerViolations(spec: PodSpec, container: Container, where: string): string[] {
  const pod = spec.securityContext;
  const own = container.securityContext;
  // A container setting wins over the pod's, as the kubelet applies them.
  const effective = (path: string[]) => field(own, path) ?? field(pod, path);
  const violations: string[] = [];
  if (field(own, ['privileged']) === true)
    violations.push(`${where}.securityContext.privileged must not be true`);
  if (field(own, ['allowPrivilegeEscalation']) !== false) {
    violations.push(`${where}.securityContext.allowPrivilegeEscalation must be false`);
  }
  if (effective(['runAsNonRoot']) !== true)
    violations.push(`${where}: runAsNonRoot must be true (pod or container)`);
  if (effective(['runAsUser']) === 0) violations.push(`${where}: runAsUser must not be 0`);
  const seccomp = effective(['seccompProfile', 'type']);
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
    violations.push(
      `${where}: seccompProfile.type must be RuntimeDefault or Localhost, not ${String(seccomp)}`,
    );
  }
  const drop = field(own, ['capabilities', 'drop']);
  if (!Array.isArray(drop) || !drop.includes('ALL')) {
    violations.push(`${where}.securityContext.capabilities.drop must include ALL`);
  }
  const add = field(own, ['capabilities', 'add']);
  if (Array.isArray(add) && add.some((c) => c !== 'NET_BIND_SERVICE')) {
    violations.push(`${where}.securityContext.capabilities.add may only hold NET_BIND_SERVICE`);
  }
  if (field(own, ['procMount']) !== undefined && field(own, ['procMount']) !== 'Default') {
    violations.push(`${where}.securityContext.procMount must be Default`);
  }
  if (field(own, ['readOnlyRootFilesystem']) !== true) {
    violations.push(`${where}.securityContext.readOnlyRootFilesystem must be true`);
  }
  for (const port of container.ports ?? []) {
    if ((port as { hostPort?: number }).hostPort) violations.push(`${where}.ports: hostPort must not be set`);
  }
  return violations;
}

export function restrictedPodSecurityViolations(spec: PodSpec): string[] {
  const violations: string[] = [];
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[host] === true) violations.push(`spec.${host} must not be true`);
  }
  for (const [i, volume] of (spec.volumes ?? []).entries()) {
    const sources = Object.keys(volume).filter((k) => k !== 'name');
    for (const source of sources) {
      if (!RESTRICTED_VOLUME_SOURCES.has(source))
        violations.push(`spec.volumes[${i}]: ${source} volumes are not allowed`);
    }
  }
  if (field(spec.securityContext, ['sysctls']) !== undefined)
    violations.push('spec.securityContext.sysctls must not be set');
  const all = [
    ...spec.containers.map((c, i) => [c, `spec.containers[${i}]`] as const),
    ...(spec.initContainers ?? []).map((c, i) => [c, `spec.initContainers[${i}]`] as const),
  ];
  for (const [container, where] of all) violations.push(...containerViolations(spec, container, where));
  return violations;
}
