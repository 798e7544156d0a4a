// The one Node of the cluster. kwok manages it (by its annotation) and plays its kubelet: pods scheduled
// onto it become Running and Ready without any container runtime. It has no taint, so workloads need no
// toleration or node selector to land there.
import { KWOK_NODE_ANNOTATION } from './component-commands.ts';

export function fakeNodeManifest(name: string): object {
  const resources = { cpu: '32', memory: '256Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        [KWOK_NODE_ANNOTATION.key]: KWOK_NODE_ANNOTATION.value,
        'node.alpha.kubernetes.io/ttl': '0',
      },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    spec: {},
    // Node status is accepted on create; kwok's stage adds conditions and the address (NODE_IP).
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
      },
      phase: 'Running',
    },
  };
}
