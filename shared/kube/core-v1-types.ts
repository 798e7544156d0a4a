// core/v1 types, the slice of them this project reads and writes: resource requirements, environment
// variables and the Secret and ConfigMap key selectors they take values from, in their JSON shape.
// Generic Kubernetes shapes, no domain: the CRDs embed them, the controller writes them into pods.

/** resource.Quantity as JSON carries it: "500m", "8Gi", or a plain number. */
type Quantity = string | number;

/** What a container's environment variable names may be (core/v1 validation of EnvVar.name). */
export const ENV_NAME_PATTERN = '^[-._a-zA-Z][-._a-zA-Z0-9]*$';

export interface ResourceRequirements {
  requests?: Record<string, Quantity>;
  limits?: Record<string, Quantity>;
}

/** Selects a key of a Secret (SecretKeySelector) or of a ConfigMap (ConfigMapKeySelector). */
interface KeySelector {
  name: string;
  key: string;
  optional?: boolean;
}

interface EnvVarSource {
  secretKeyRef?: KeySelector;
  configMapKeyRef?: KeySelector;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: EnvVarSource;
}
