// Exact conversion on top of lossy field mappings. Whatever the target version cannot hold travels in an
// annotation on the converted object (as KServe does), so converting there and back returns the original.
//
// Converting S (version V) to T (version W):
//   1. T = the plain mapping of S.
//   2. S may carry an annotation with W fields it could not hold (written when S was itself converted
//      from W). Each is put back into T if doing so does not change what T means in V; a field that the
//      user has changed meanwhile in V is therefore not overwritten by a stale copy.
//   3. The fields of S that the plain mapping of T back to V would not reproduce are written into an
//      annotation on T.
import { parseAPIVersion } from '../kube/resource.ts';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { errorMessage } from '../util/error-message.ts';
import { canonicalJSON, cloneJSON, deepEqual, isPlainObject, type JSONObject } from '../util/json.ts';
import type { MappedContent, VersionPair } from './version-pair.ts';

const SECTIONS = ['spec', 'status'] as const;
type Section = (typeof SECTIONS)[number];

/** Field name -> value, per section; null stands for "absent". */
type Leftovers = Partial<Record<Section, JSONObject>>;

export function fieldsAnnotationKey(group: string, version: string): string {
  return `${group}/${version}-fields`;
}

export function warningsAnnotationKey(group: string): string {
  return `${group}/conversion-warnings`;
}

/** Every annotation conversion writes on objects of the pair's kind. */
export function conversionAnnotationKeys(pair: VersionPair): string[] {
  return [
    fieldsAnnotationKey(pair.group, pair.hubVersion),
    fieldsAnnotationKey(pair.group, pair.spokeVersion),
    warningsAnnotationKey(pair.group),
  ];
}

export interface ConversionResult {
  object: KubeObject;
  warnings: string[];
}

function parseLeftovers(raw: string | undefined, key: string, warnings: string[]): Leftovers {
  if (raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!isPlainObject(parsed)) throw new Error('not a JSON object');
    const result: Leftovers = {};
    for (const section of SECTIONS) {
      const value = parsed[section];
      if (value === undefined) continue;
      if (!isPlainObject(value)) throw new Error(`"${section}" is not a JSON object`);
      result[section] = value;
    }
    return result;
  } catch (err) {
    warnings.push(`metadata.annotations[${key}]: ignored: ${errorMessage(err)}`);
    return {};
  }
}

function assemble(
  source: KubeObject,
  apiVersion: string,
  mapped: MappedContent,
  annotations: Record<string, string> | undefined,
): KubeObject {
  const metadata = { ...source.metadata };
  // An empty map and no map are the same to the API server, which stores neither.
  if (annotations === undefined || Object.keys(annotations).length === 0) delete metadata.annotations;
  else metadata.annotations = annotations;
  const object: KubeObject = { ...source, apiVersion, metadata, spec: mapped.spec };
  if (mapped.status === undefined) delete object.status;
  else object.status = mapped.status;
  return object;
}

function sectionOf(object: KubeObject, section: Section): JSONObject | undefined {
  const value = object[section];
  return isPlainObject(value) ? value : undefined;
}

function withField(object: KubeObject, section: Section, field: string, value: unknown): KubeObject {
  const content = { ...(sectionOf(object, section) ?? {}) };
  if (value === null) delete content[field];
  else content[field] = cloneJSON(value);
  return { ...object, [section]: content };
}

/**
 * The fields of `want` that `got` does not reproduce, with null for those `want` does not have. In no
 * particular order: the annotation they go into is canonical JSON, which sorts them.
 */
function diffFields(want: JSONObject | undefined, got: JSONObject | undefined): JSONObject {
  const result: JSONObject = {};
  const add = (name: string) => {
    const w = want?.[name];
    if (!deepEqual(w, got?.[name])) result[name] = w === undefined ? null : w;
  };
  if (want !== undefined) for (const name of Object.keys(want)) add(name);
  if (got !== undefined) {
    for (const name of Object.keys(got)) if (want === undefined || !Object.hasOwn(want, name)) add(name);
  }
  return result;
}

export function convertWithPair(
  pair: VersionPair,
  source: KubeObject,
  targetVersion: string,
): ConversionResult {
  const sourceVersion = parseAPIVersion(source.apiVersion).version;
  const toHub = sourceVersion === pair.spokeVersion;
  const forward = toHub ? pair.toHub : pair.fromHub;
  const backward = toHub ? pair.fromHub : pair.toHub;
  const targetKey = fieldsAnnotationKey(pair.group, targetVersion);
  const sourceKey = fieldsAnnotationKey(pair.group, sourceVersion);
  const warningsKey = warningsAnnotationKey(pair.group);

  const warnings: string[] = [];
  const sourceAnnotations = source.metadata.annotations;
  const stored = parseLeftovers(sourceAnnotations?.[targetKey], targetKey, warnings);
  const mapped = forward(source);
  warnings.push(...mapped.warnings);

  const annotations = sourceAnnotations === undefined ? undefined : { ...sourceAnnotations };
  if (annotations) {
    delete annotations[targetKey];
    delete annotations[sourceKey];
    delete annotations[warningsKey];
  }
  let target = assemble(source, `${pair.group}/${targetVersion}`, mapped, annotations);

  const meaningInSource = (o: KubeObject): Pick<MappedContent, 'spec' | 'status'> => {
    const { spec, status } = backward(o);
    return { spec, status };
  };
  // The mapping is pure: what the target maps back to is computed once, and again only if it changes.
  let back = backward(target);
  const meaning = { spec: back.spec, status: back.status };
  // Fields can depend on each other (an endpoint derived from status), so passes repeat until none is taken.
  let pending = SECTIONS.flatMap((section) =>
    Object.entries(stored[section] ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([field, value]) => ({ section, field, value })),
  );
  let changed = false;
  for (let taken = true; taken && pending.length > 0;) {
    taken = false;
    pending = pending.filter(({ section, field, value }) => {
      const candidate = withField(target, section, field, value);
      if (!deepEqual(meaningInSource(candidate), meaning)) return true;
      target = candidate;
      taken = true;
      changed = true;
      return false;
    });
  }
  if (changed) back = backward(target);

  const leftovers: Leftovers = {};
  for (const section of SECTIONS) {
    const diff = diffFields(sectionOf(source, section), back[section]);
    if (Object.keys(diff).length > 0) leftovers[section] = diff;
  }

  const extraAnnotations: Record<string, string> = {};
  if (Object.keys(leftovers).length > 0) extraAnnotations[sourceKey] = canonicalJSON(leftovers);
  if (warnings.length > 0) extraAnnotations[warningsKey] = warnings.join('; ');
  if (Object.keys(extraAnnotations).length > 0) {
    target.metadata = {
      ...target.metadata,
      annotations: { ...(target.metadata.annotations ?? {}), ...extraAnnotations },
    };
  }
  return { object: target, warnings };
}
