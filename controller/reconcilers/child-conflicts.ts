// No takeover: before a reconcile writes any child, every name it is about to write must be free or held
// by an object the operator made for the same owner. The caches hold only objects labelled as ours, so
// a name the cache does not know is asked of the API server: that costs a GET on the first write of a
// child (and after one is deleted), never in a steady state.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { isNotFound } from '../../shared/kube/api-error.ts';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import type { ObjectRef, ResourceDescriptor } from '../../shared/kube/resource.ts';
import { claimGaps } from '../children/child-claim.ts';
import type { ChildClaim } from '../children/child-claim.ts';

/**
 * How soon a reconcile stopped by a conflict looks again: the foreign object is not in the caches, so
 * its deletion sends no event.
 */
export const CHILD_CONFLICT_RETRY_MS = 30_000;

/** A child the reconcile is about to write, and the cache's copy of the object of that name, if any. */
export interface ChildSlot {
  resource: ResourceDescriptor;
  ref: ObjectRef;
  cached: KubeObject | undefined;
}

/** An object holding a child's name that the operator did not make for this owner. */
export interface ForeignChild {
  kind: string;
  namespace: string;
  name: string;
  /** What it lacks to be ours, e.g. "the label app.kubernetes.io/managed-by=ai-gateway-operator". */
  gaps: string[];
}

function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export class ChildConflictError extends Error {
  /** e.g. "AIModel gemma". */
  readonly owner: string;
  readonly foreign: readonly ForeignChild[];

  constructor(owner: string, foreign: readonly ForeignChild[]) {
    const objects = foreign.map((f) => `${f.kind} ${f.name} exists without ${listed(f.gaps)}`);
    super(
      `${objects.join('; ')}. The operator does not take over objects it did not make: it writes nothing ` +
        `for ${owner} until ${foreign.length === 1 ? 'that object is' : 'those objects are'} deleted or renamed`,
    );
    this.name = 'ChildConflictError';
    this.owner = owner;
    this.foreign = foreign;
  }
}

async function current(api: KubeAPI, slot: ChildSlot, signal: AbortSignal): Promise<KubeObject | undefined> {
  if (slot.cached) return slot.cached;
  try {
    return await api.get(slot.resource, slot.ref, { signal });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Throws ChildConflictError naming every slot held by an object outside `claim`. */
export async function checkChildClaims(
  api: KubeAPI,
  claim: ChildClaim,
  slots: readonly ChildSlot[],
  signal: AbortSignal,
): Promise<void> {
  const foreign: ForeignChild[] = [];
  for (const slot of slots) {
    const object = await current(api, slot, signal);
    const gaps = object ? claimGaps(object, claim) : [];
    if (gaps.length > 0) {
      foreign.push({
        kind: slot.resource.kind,
        namespace: slot.ref.namespace ?? '',
        name: slot.ref.name,
        gaps,
      });
    }
  }
  if (foreign.length > 0) throw new ChildConflictError(claim.owner, foreign);
}
