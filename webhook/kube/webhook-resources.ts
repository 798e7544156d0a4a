// The Kubernetes resources only the webhook reads or writes (Secrets, Services, ... are in
// shared/kube/well-known-resources.ts).
import type { ResourceDescriptor } from '../../shared/kube/resource.ts';

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
