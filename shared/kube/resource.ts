// How the API client addresses a kind of object: group, version and plural resource name (GVR), plus
// whether objects live in a namespace. Paths are built here and nowhere else.
export interface ResourceDescriptor {
  /** '' for the core group (served under /api). */
  group: string;
  version: string;
  /** The plural, lower-case name used in URLs, e.g. 'configmaps'. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

/** Names a single object; `namespace` is ignored for cluster-scoped resources. */
export interface ObjectRef {
  namespace?: string;
  name: string;
}

export class ResourcePathError extends Error {
  readonly resource: string;
  readonly ref: ObjectRef | undefined;
  constructor(message: string, resource: string, ref?: ObjectRef) {
    super(message);
    this.name = 'ResourcePathError';
    this.resource = resource;
    this.ref = ref;
  }
}

export function apiVersionOf(r: ResourceDescriptor): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** Splits "group/version" (or a core "version") into its parts. */
export function parseAPIVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** 'configmaps' or 'deployments.apps', as kubectl spells a resource. */
export function describeResource(r: ResourceDescriptor): string {
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}

function groupVersionPath(r: ResourceDescriptor): string {
  return r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

/** The collection: all namespaces when a namespaced resource is listed without one. */
export function collectionPath(r: ResourceDescriptor, namespace?: string): string {
  if (r.namespaced && namespace) {
    return `${groupVersionPath(r)}/namespaces/${segment(namespace)}/${r.resource}`;
  }
  return `${groupVersionPath(r)}/${r.resource}`;
}

export function objectPath(r: ResourceDescriptor, ref: ObjectRef, subresource?: string): string {
  if (!ref.name) {
    throw new ResourcePathError(`${describeResource(r)}: object name is required`, describeResource(r), ref);
  }
  if (r.namespaced && !ref.namespace) {
    throw new ResourcePathError(
      `${describeResource(r)} "${ref.name}": namespace is required for a namespaced resource`,
      describeResource(r),
      ref,
    );
  }
  const base = `${collectionPath(r, ref.namespace)}/${segment(ref.name)}`;
  return subresource ? `${base}/${subresource}` : base;
}

/** What addressing a custom resource takes from its definition. */
export interface CustomResourceKind {
  group: string;
  kind: string;
  plural: string;
  /** The storage version, addressed unless another is asked for. */
  hubVersion: string;
}

/** A namespaced custom resource, at its storage version unless `version` says otherwise. */
export function customResource(
  kind: CustomResourceKind,
  version: string = kind.hubVersion,
): ResourceDescriptor {
  return { group: kind.group, version, resource: kind.plural, kind: kind.kind, namespaced: true };
}
