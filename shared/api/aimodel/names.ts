// Names of the objects that serve an AIModel, derived from its name (at most 56 characters, so these
// stay valid DNS labels).

const MODEL_CHILD_PREFIX = 'aim-';

/** The Service, Deployment and ConfigMap of a model share this name. */
export function modelChildName(modelObjectName: string): string {
  return `${MODEL_CHILD_PREFIX}${modelObjectName}`;
}

/** The in-cluster URL of a model's Service (port 80), e.g. http://aim-gemma.ml.svc. */
export function modelServiceURL(modelObjectName: string, namespace: string | undefined): string {
  const host = namespace
    ? `${modelChildName(modelObjectName)}.${namespace}.svc`
    : modelChildName(modelObjectName);
  return `http://${host}`;
}
