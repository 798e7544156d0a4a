// What a read returns for an object just written in its version: the API server stores the hub version
// and converts a read in the other version from it, adding the annotations conversion writes.
import { parseAPIVersion } from '../kube/resource.ts';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { ConversionError, convertObject, versionPairOf } from './convert.ts';

export function readBack(object: KubeObject): KubeObject {
  const pair = versionPairOf(object.apiVersion, object.kind);
  if (!pair) {
    throw new ConversionError(
      `${object.kind} ${object.apiVersion}: not a kind and version this operator serves`,
      object.apiVersion,
      object.kind,
    );
  }
  if (parseAPIVersion(object.apiVersion).version === pair.hubVersion) return object;
  const stored = convertObject(object, `${pair.group}/${pair.hubVersion}`).object;
  return convertObject(stored, object.apiVersion).object;
}
