// The Kubernetes resources the webhook reads or writes besides its own kinds.
import type { ResourceDescriptor } from '../../shared/kube/resource.ts';

export const SECRETS: ResourceDescriptor = {
  group: '',
  version: 'v1',
  resource: 'secrets',
  kind: 'Secret',
  namespaced: true,
};

export const VALIDATING_WEBHOOK_CONFIGURATIONS: ResourceDescriptor = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  resource: 'validatingwebhookconfigurations',
  kind: 'ValidatingWebhookConfiguration',
  namespaced: false,
};

export const MUTATING_WEBHOOK_CONFIGURATIONS: ResourceDescriptor = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  resource: 'mutatingwebhookconfigurations',
  kind: 'MutatingWebhookConfiguration',
  namespaced: false,
};

export const CUSTOM_RESOURCE_DEFINITIONS: ResourceDescriptor = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
};
