// Built-in resources the controller and the webhook read or write, described once.
import type { ResourceDescriptor } from './resource.ts';

export const CONFIG_MAPS: ResourceDescriptor = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};

export const SERVICES: ResourceDescriptor = {
  group: '',
  version: 'v1',
  resource: 'services',
  kind: 'Service',
  namespaced: true,
};

export const SECRETS: ResourceDescriptor = {
  group: '',
  version: 'v1',
  resource: 'secrets',
  kind: 'Secret',
  namespaced: true,
};

export const PODS: ResourceDescriptor = {
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  namespaced: true,
};

export const DEPLOYMENTS: ResourceDescriptor = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  namespaced: true,
};

export const LEASES: ResourceDescriptor = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  kind: 'Lease',
  namespaced: true,
};

export const EVENTS: ResourceDescriptor = {
  group: 'events.k8s.io',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  namespaced: true,
};
