// Which objects under a child's name the operator may write: only those it made for the same owner. It
// labels every child as managed by it and by owner, and gives it an owner reference; an object of the
// same name without all three is someone else's, which server-side apply with force would silently take
// over, and which a delete would destroy.
import { AI_MODEL, API_GATEWAY_ROUTE } from '../../shared/api/kinds.ts';
import { parseAPIVersion } from '../../shared/kube/resource.ts';
import type { APIKind } from '../../shared/api/kinds.ts';
import type { KubeObject, OwnerReference } from '../../shared/kube/meta-v1-types.ts';
import { GATEWAY_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, MODEL_LABEL } from './labels.ts';

/** The children of one AIModel, or of one gateway, and how to recognise them. */
export interface ChildClaim {
  /** For messages: "AIModel gemma", "gateway default". */
  owner: string;
  ownerLabel: string;
  ownerLabelValue: string;
  /** The custom resources whose references make an object ours. */
  ownerKind: APIKind;
  /** Only references to this name count; any name of ownerKind when undefined (a gateway's routes). */
  ownerName: string | undefined;
}

export function modelClaim(model: string): ChildClaim {
  return {
    owner: `AIModel ${model}`,
    ownerLabel: MODEL_LABEL,
    ownerLabelValue: model,
    ownerKind: AI_MODEL,
    ownerName: model,
  };
}

export function gatewayClaim(gateway: string): ChildClaim {
  return {
    owner: `gateway ${gateway}`,
    ownerLabel: GATEWAY_LABEL,
    ownerLabelValue: gateway,
    ownerKind: API_GATEWAY_ROUTE,
    ownerName: undefined,
  };
}

function refersToOwner(ref: OwnerReference, claim: ChildClaim): boolean {
  return (
    parseAPIVersion(ref.apiVersion).group === claim.ownerKind.group &&
    ref.kind === claim.ownerKind.kind &&
    (claim.ownerName === undefined || ref.name === claim.ownerName)
  );
}

/** What `object` lacks to be one of the claim's children, e.g. "the label …"; empty when it is one. */
export function claimGaps(object: KubeObject, claim: ChildClaim): string[] {
  const labels = object.metadata.labels ?? {};
  const gaps: string[] = [];
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
    gaps.push(`the label ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`);
  }
  if (labels[claim.ownerLabel] !== claim.ownerLabelValue) {
    gaps.push(`the label ${claim.ownerLabel}=${claim.ownerLabelValue}`);
  }
  if (!(object.metadata.ownerReferences ?? []).some((ref) => refersToOwner(ref, claim))) {
    const kind = claim.ownerKind.kind;
    gaps.push(
      claim.ownerName === undefined
        ? `an owner reference to an ${kind}`
        : `an owner reference to ${kind} ${claim.ownerName}`,
    );
  }
  return gaps;
}

export function isClaimed(object: KubeObject, claim: ChildClaim): boolean {
  return claimGaps(object, claim).length === 0;
}
