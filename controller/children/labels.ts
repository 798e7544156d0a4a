// Labels on every object the controller writes. The owned-object caches select on MANAGED_BY_LABEL, and
// the owner label tells which AIModel or gateway an object belongs to without reading ownerReferences.

export const FIELD_MANAGER = 'ai-gateway-operator';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'ai-gateway-operator';
export const MODEL_LABEL = 'ai-gateway-operator/aimodel';
export const GATEWAY_LABEL = 'ai-gateway-operator/gateway';
/** The annotation carrying the hash of an object's desired state, stamped on every apply (ServerSideApplier). */
export const APPLIED_HASH_ANNOTATION = 'gateway.example.com/applied-hash';
/** The pod template annotation whose change rolls a model's pods when their configuration changes. */
export const CONFIG_HASH_ANNOTATION = 'ai-gateway-operator/config-hash';

/** Label selector for every object this operator manages, for list/watch. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** Selects the pods of a model; stable for the life of the Deployment (its selector is immutable). */
export function modelSelectorLabels(model: string): Record<string, string> {
  return { [MODEL_LABEL]: model, 'app.kubernetes.io/component': 'model-server' };
}

export function modelLabels(model: string): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    'app.kubernetes.io/name': 'aimodel',
    'app.kubernetes.io/instance': model,
    ...modelSelectorLabels(model),
  };
}

/** Selects the pods of a gateway. */
export function gatewaySelectorLabels(gateway: string): Record<string, string> {
  return { [GATEWAY_LABEL]: gateway, 'app.kubernetes.io/component': 'gateway' };
}

/** Label selector for the pods of every gateway, whose reloaders the controller asks. */
export const GATEWAY_PODS_SELECTOR = `${MANAGED_SELECTOR},app.kubernetes.io/component=gateway`;

export function gatewayLabels(gateway: string): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    'app.kubernetes.io/name': 'api-gateway',
    'app.kubernetes.io/instance': gateway,
    ...gatewaySelectorLabels(gateway),
  };
}
