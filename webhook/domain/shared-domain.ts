// The operator's own rules, from shared/, with the installation's admission policy: what main.ts gives the
// handlers.
import { referencedObjects } from '../../shared/api/references.ts';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { findKindVersion } from '../../shared/api/kinds.ts';
import { convertObject } from '../../shared/conversion/convert.ts';
import { applyDefaults } from '../../shared/defaulting/defaults.ts';
import { DEFAULT_ADMISSION_POLICY, type AdmissionPolicy } from '../../shared/validation/admission-policy.ts';
import {
  formatFieldError,
  validateCreate,
  validateObject,
  validateUpdate,
} from '../../shared/validation/validate.ts';
import type { ObjectReference, WebhookDomain } from './webhook-domain.ts';

/** References are read from the hub version, so an object sent in a deprecated version is checked too. */
function referencesOf(object: KubeObject): ObjectReference[] {
  const found = findKindVersion(object.apiVersion, object.kind);
  if (!found) return [];
  if (found.version.name === found.kind.hubVersion) return referencedObjects(object);
  try {
    return referencedObjects(convertObject(object, `${found.kind.group}/${found.kind.hubVersion}`).object);
  } catch {
    // An object that does not convert has already been refused by validation.
    return [];
  }
}

export function createSharedDomain(policy: AdmissionPolicy): WebhookDomain {
  return {
    validateObject,
    validateCreate: (object) => validateCreate(object, policy),
    validateUpdate: (object, old) => validateUpdate(object, old, policy),
    formatFieldError,
    applyDefaults,
    convertObject,
    referencedObjects: referencesOf,
  };
}

/** With the default policy: no local egress, any image. */
export const sharedDomain: WebhookDomain = createSharedDomain(DEFAULT_ADMISSION_POLICY);
