// Which Secrets may hold a model's provider key (AIModel spec.credentials), and whether the key a model
// names is there. A Secret serves only when it is marked for the purpose, so that naming an arbitrary
// Secret in a model never sends its values to a provider; the gateway pods mount only marked ones. What
// is said about a Secret names it and its key, never a value.
import {
  PROVIDER_CREDENTIALS_SECRET_LABEL,
  PROVIDER_CREDENTIALS_SECRET_TYPE,
} from '../../shared/api/aimodel/v1.ts';
import type { SecretKeyReference } from '../../shared/api/aimodel/v1.ts';
import type { CredentialsProblem } from '../status/model-status.ts';
import { REASON } from '../status/reasons.ts';
import { secretMarking } from './secret-marking.ts';
import type { ReadSecret, SecretMark } from './secret-marking.ts';

const PROVIDER_CREDENTIALS_MARK: SecretMark = {
  type: PROVIDER_CREDENTIALS_SECRET_TYPE,
  label: PROVIDER_CREDENTIALS_SECRET_LABEL,
};

/** Whether gateway pods may mount the Secret for the provider keys of models. */
export function holdsProviderCredentials(secret: ReadSecret): boolean {
  return secretMarking(secret, PROVIDER_CREDENTIALS_MARK) === 'marked';
}

const UNTIL = 'gateways answer requests for the model 503 until';

/**
 * What keeps gateways from presenting the key `ref` names: the Secret (undefined: it does not exist) not
 * marked, or without a non-empty value at the key. Undefined when the key can be sent.
 */
export function credentialsProblem(
  ref: SecretKeyReference,
  namespace: string,
  secret: ReadSecret | undefined,
): CredentialsProblem | undefined {
  const { name, key } = ref;
  if (secret === undefined) {
    return {
      reason: REASON.CredentialsNotFound,
      message: `Secret ${name} not found in namespace ${namespace}; ${UNTIL} it exists with the key ${key}`,
    };
  }
  const marking = secretMarking(secret, PROVIDER_CREDENTIALS_MARK);
  if (marking === 'service-account-token') {
    return {
      reason: REASON.CredentialsRefused,
      message: `Secret ${name} is a service-account token and can never hold provider credentials; name a Secret of type ${PROVIDER_CREDENTIALS_SECRET_TYPE} instead`,
    };
  }
  if (marking === 'unmarked') {
    return {
      reason: REASON.CredentialsRefused,
      message: `Secret ${name} is not marked to hold provider credentials, so gateways do not mount it; give it type ${PROVIDER_CREDENTIALS_SECRET_TYPE} or the label ${PROVIDER_CREDENTIALS_SECRET_LABEL}="true"`,
    };
  }
  const value = secret.data?.[key];
  if (value === undefined) {
    return {
      reason: REASON.CredentialsNotFound,
      message: `Secret ${name} has no key ${key}; ${UNTIL} it has`,
    };
  }
  // Surrounding whitespace (a final newline) is no key: a value of only that is as good as none.
  if (Buffer.from(value, 'base64').toString('utf8').trim() === '') {
    return {
      reason: REASON.CredentialsNotFound,
      message: `Secret ${name}: key ${key} is empty; ${UNTIL} it is set`,
    };
  }
  return undefined;
}
