// The other objects an APIGatewayRoute or AIModel names. They may be created in any order, so a missing
// one is a warning at admission and a condition in status, never a rejection. Only objects in the
// object's own namespace count: a warning about one elsewhere would tell a user who may write only here
// what exists there.
import { destinationTarget } from './apigatewayroute/destination-namespace.ts';
import { parseAPIVersion } from '../kube/resource.ts';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { isPlainObject } from '../util/json.ts';
import { namespaceOf } from '../kube/object-key.ts';

export type ReferencedKind = 'Service' | 'Secret' | 'ConfigMap' | 'AIModel';

export interface ObjectReference {
  kind: ReferencedKind;
  namespace: string;
  name: string;
  /** The field that names it, e.g. `spec.aiModelRef.name`. */
  field: string;
}

function stringAt(value: unknown, key: string): string | undefined {
  return isPlainObject(value) && typeof value[key] === 'string' ? value[key] : undefined;
}

/**
 * A destinationService that is a bare name, or the DNS name of a Service in the route's namespace, is a
 * Service there; a Service in another namespace and an external DNS name are not checked.
 */
function routeReferences(spec: Record<string, unknown>, namespace: string): ObjectReference[] {
  const refs: ObjectReference[] = [];
  const service = spec.destinationService;
  if (typeof service === 'string') {
    const target = destinationTarget(service, namespace);
    if (target?.service !== undefined && target.namespace === namespace)
      refs.push({ kind: 'Service', namespace, name: target.service, field: 'spec.destinationService' });
  }
  const model = stringAt(spec.aiModelRef, 'name');
  if (model) refs.push({ kind: 'AIModel', namespace, name: model, field: 'spec.aiModelRef.name' });
  const secret = stringAt(spec.apiKeySecretRef, 'name');
  if (secret && spec.authenticationRequired === true) {
    refs.push({ kind: 'Secret', namespace, name: secret, field: 'spec.apiKeySecretRef.name' });
  }
  return refs;
}

function modelReferences(spec: Record<string, unknown>, namespace: string): ObjectReference[] {
  if (!Array.isArray(spec.env)) return [];
  return spec.env.flatMap((env, i): ObjectReference[] => {
    const from = isPlainObject(env) ? env.valueFrom : undefined;
    const secret = isPlainObject(from) ? from.secretKeyRef : undefined;
    const configMap = isPlainObject(from) ? from.configMapKeyRef : undefined;
    const optional =
      (isPlainObject(secret) && secret.optional === true) ||
      (isPlainObject(configMap) && configMap.optional === true);
    if (optional) return [];
    const secretName = stringAt(secret, 'name');
    if (secretName)
      return [
        { kind: 'Secret', namespace, name: secretName, field: `spec.env[${i}].valueFrom.secretKeyRef.name` },
      ];
    const configMapName = stringAt(configMap, 'name');
    if (configMapName) {
      return [
        {
          kind: 'ConfigMap',
          namespace,
          name: configMapName,
          field: `spec.env[${i}].valueFrom.configMapKeyRef.name`,
        },
      ];
    }
    return [];
  });
}

/** The objects `object` (a v1 APIGatewayRoute or AIModel) refers to; other objects refer to none. */
export function referencedObjects(object: KubeObject): ObjectReference[] {
  const namespace = namespaceOf(object);
  if (!isPlainObject(object.spec) || parseAPIVersion(object.apiVersion).version !== 'v1') return [];
  if (object.kind === 'APIGatewayRoute') return routeReferences(object.spec, namespace);
  if (object.kind === 'AIModel') return modelReferences(object.spec, namespace);
  return [];
}
