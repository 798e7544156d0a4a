// Whether a Secret is marked for one use of the operator: by its type or by a label set to "true". Naming
// a Secret in a spec is not enough for the operator to hand its values to a gateway, so that a route or a
// model that names an arbitrary Secret (a TLS key, a database password) never exposes it; a
// service-account token is never marked, whatever its labels say, as its type cannot be chosen freely.

/**
 * How soon a resource that names Secrets is looked at again: Secrets are read, not watched (the controller
 * may get them but not list them), so a Secret created, marked, unmarked or edited is seen by then.
 */
export const SECRET_RECHECK_MS = 60_000;

/** The type of the Secrets the API server fills with a service account's token. */
const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';

/** The part of a Secret the rules read. */
export interface ReadSecret {
  metadata: { name?: string; labels?: Record<string, string> };
  type?: string;
  /** Base64 values, as the API server returns them. */
  data?: Record<string, string>;
}

/** How Secrets for one use are marked: the Secret type, or this label with the value "true". */
export interface SecretMark {
  type: string;
  label: string;
}

export type SecretMarking = 'marked' | 'unmarked' | 'service-account-token';

export function secretMarking(secret: ReadSecret, mark: SecretMark): SecretMarking {
  if (secret.type === SERVICE_ACCOUNT_TOKEN_TYPE) return 'service-account-token';
  return secret.type === mark.type || secret.metadata.labels?.[mark.label] === 'true' ? 'marked' : 'unmarked';
}
