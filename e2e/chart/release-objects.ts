// The objects a release is made of, read from `helm template`, and what the cluster holds of them.
import type { RenderedObject } from '../../test/chart/rendered-objects.ts';
import { kubectl } from '../setup/cluster-env.ts';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function refOf(object: RenderedObject): ObjectRef {
  const { name, namespace } = object.metadata;
  return { apiVersion: object.apiVersion, kind: object.kind, name, ...(namespace ? { namespace } : {}) };
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** `kind.group` as kubectl wants it, so that e.g. a cert-manager Issuer is never confused with another. */
function resourceArg(ref: ObjectRef): string {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return group ? `${ref.kind}.${group}` : ref.kind;
}

/** The refs among `refs` that the cluster has. */
export async function existingObjects(refs: readonly ObjectRef[]): Promise<ObjectRef[]> {
  const found: ObjectRef[] = [];
  for (const ref of refs) {
    const args = ['get', resourceArg(ref), ref.name, '--ignore-not-found', '-o', 'name'];
    if (ref.namespace) args.push('-n', ref.namespace);
    if ((await kubectl(args)).trim() !== '') found.push(ref);
  }
  return found;
}

/** The kinds the cluster serves, as `apiVersion/Kind` (e.g. `apps/v1/Deployment`, `v1/Secret`). */
export async function servedKinds(): Promise<Set<string>> {
  const text = await kubectl(['api-resources', '--no-headers', '-o', 'wide']);
  const kinds = new Set<string>();
  for (const line of text.split('\n')) {
    const columns = line.trim().split(/\s+/);
    // NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS [CATEGORIES]
    const namespacedAt = columns.findIndex((c) => c === 'true' || c === 'false');
    if (namespacedAt < 2) continue;
    kinds.add(`${columns[namespacedAt - 1]}/${columns[namespacedAt + 1]}`);
  }
  return kinds;
}

export function isServed(object: RenderedObject, served: ReadonlySet<string>): boolean {
  return served.has(`${object.apiVersion}/${object.kind}`);
}
