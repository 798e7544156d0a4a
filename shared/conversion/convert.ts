// Converts an APIGatewayRoute or AIModel to another served version of its kind. Never throws on a
// stored object of a known kind: what does not map cleanly converts best effort, with warnings.
import { findKindVersion } from '../api/kinds.ts';
import { parseAPIVersion } from '../kube/resource.ts';
import { isKubeObject, type KubeObject } from '../kube/meta-v1-types.ts';
import { aiModelVersions } from './aimodel.ts';
import { apiGatewayRouteVersions } from './apigatewayroute.ts';
import { ConversionError } from './errors.ts';
import { convertWithPair, type ConversionResult } from './lossless.ts';
import type { VersionPair } from './version-pair.ts';

export { ConversionError } from './errors.ts';
export type { ConversionResult } from './lossless.ts';

const PAIRS: readonly VersionPair[] = [apiGatewayRouteVersions, aiModelVersions];

/** The version pair of a served kind, found by any of its versions; undefined for anything else. */
export function versionPairOf(apiVersion: string, kind: string): VersionPair | undefined {
  const { group } = parseAPIVersion(apiVersion);
  return findKindVersion(apiVersion, kind)
    ? PAIRS.find((p) => p.group === group && p.kind === kind)
    : undefined;
}

export function convertObject(object: unknown, desiredAPIVersion: string): ConversionResult {
  if (!isKubeObject(object)) {
    throw new ConversionError('object: must have string apiVersion and kind and an object metadata', '', '');
  }
  const { apiVersion, kind } = object;
  if (!findKindVersion(apiVersion, kind)) {
    throw new ConversionError(
      `${kind} ${apiVersion}: not a kind and version this operator serves`,
      apiVersion,
      kind,
    );
  }
  const target = findKindVersion(desiredAPIVersion, kind);
  if (!target) {
    throw new ConversionError(
      `cannot convert ${kind} to ${desiredAPIVersion}: not a version this operator serves`,
      apiVersion,
      kind,
    );
  }
  if (apiVersion === desiredAPIVersion) return { object: object as KubeObject, warnings: [] };
  const pair = PAIRS.find((p) => p.group === target.kind.group && p.kind === kind);
  if (!pair || parseAPIVersion(apiVersion).group !== pair.group) {
    throw new ConversionError(
      `cannot convert ${kind} from ${apiVersion} to ${desiredAPIVersion}`,
      apiVersion,
      kind,
    );
  }
  return convertWithPair(pair, object, target.version.name);
}
