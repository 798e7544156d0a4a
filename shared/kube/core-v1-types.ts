// core/v1 types, the slice of them this project reads and writes: resource requirements, environment
// variables and the Secret and ConfigMap key selectors they take values from, in their JSON shape.
// Generic Kubernetes shapes, no domain: the CRDs embed them, the controller writes them into pods.

/** resource.Quantity as JSON carries it: "500m", "8Gi", or a plain number. */
export type Quantity = string | number;

/** What a container's environment variable names may be (core/v1 validation of EnvVar.name). */
export const ENV_NAME_PATTERN = '^[-._a-zA-Z][-._a-zA-Z0-9]*$';
/** A resource name such as "cpu", "memory" or "nvidia.com/gpu": a qualified name. */
export const RESOURCE_NAME_PATTERN =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$';

export interface ResourceRequirements {
  requests?: Record<string, Quantity>;
  limits?: Record<string, Quantity>;
}

/** Selects a key of a Secret (SecretKeySelector) or of a ConfigMap (ConfigMapKeySelector). */
export interface KeySelector {
  name: string;
  key: string;
  optional?: boolean;
}

export interface EnvVarSource {
  secretKeyRef?: KeySelector;
  configMapKeyRef?: KeySelector;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: EnvVarSource;
}
