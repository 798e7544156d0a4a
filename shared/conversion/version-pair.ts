// What each kind supplies for conversion: plain field mappings between its hub (v1) and its older
// version. They may lose information; lossless.ts makes the whole conversion exact on top of them.
import type { KubeObject } from '../kube/meta-v1-types.ts';
import type { JSONObject } from '../util/json.ts';

export interface MappedContent {
  spec: JSONObject;
  /** Undefined when the source has no status. */
  status: JSONObject | undefined;
  /** Why the source did not map cleanly; the object still converts. */
  warnings: string[];
}

export interface VersionPair {
  group: string;
  kind: string;
  hubVersion: string;
  spokeVersion: string;
  toHub(source: KubeObject): MappedContent;
  fromHub(source: KubeObject): MappedContent;
  /**
   * The spoke field each hub field is mapped from, by path (`spec.modelVersion` -> `spec.version`); a
   * path inside a listed one maps with the rest appended. A hub field not listed has no spoke counterpart.
   */
  spokeFields: Readonly<Record<string, string>>;
}
