// Which Secrets may hold a route's API keys, and which of their keys count. A Secret serves only when
// it is marked for the purpose, so that naming an arbitrary Secret (a TLS key, a database password, a
// service-account token) in a route never turns its values into keys a client could present.
import { MIN_API_KEY_LENGTH } from '../../../shared/gateway/api-key-script.ts';
import { secretMarking } from '../secret-marking.ts';
import type { ReadSecret, SecretMark } from '../secret-marking.ts';

/** The Secret type that marks a key Secret. */
export const API_KEY_SECRET_TYPE = 'gateway.example.com/api-key';
/** The label that marks a key Secret of another type (e.g. Opaque), with the value "true". */
export const API_KEY_SECRET_LABEL = 'gateway.example.com/api-key';

const API_KEY_MARK: SecretMark = { type: API_KEY_SECRET_TYPE, label: API_KEY_SECRET_LABEL };

/** The part of a Secret the rules read. */
export type KeySecret = ReadSecret;

export type KeySecretVerdict =
  | { usable: false; message: string }
  /** shortKeys: the data keys whose values are too short to be keys; the gateway ignores them. */
  | { usable: true; shortKeys: string[] };

export function keySecretVerdict(secret: KeySecret): KeySecretVerdict {
  const name = secret.metadata.name ?? '';
  const marking = secretMarking(secret, API_KEY_MARK);
  if (marking === 'service-account-token') {
    return {
      usable: false,
      message: `Secret ${name} is a service-account token and can never hold API keys; name a Secret of type ${API_KEY_SECRET_TYPE} instead`,
    };
  }
  if (marking === 'unmarked') {
    return {
      usable: false,
      message: `Secret ${name} is not marked to hold API keys; give it type ${API_KEY_SECRET_TYPE} or the label ${API_KEY_SECRET_LABEL}="true"`,
    };
  }
  // The gateway trims each value before comparing, so the length that counts is the trimmed one.
  const shortKeys = Object.entries(secret.data ?? {})
    .filter(([, value]) => Buffer.from(value, 'base64').toString('utf8').trim().length < MIN_API_KEY_LENGTH)
    .map(([key]) => key)
    .sort();
  return { usable: true, shortKeys };
}

/** The status words for ignored short keys: the Secret and its data keys, never a value. */
export function shortKeysMessage(secret: string, shortKeys: readonly string[]): string {
  return `Secret ${secret}: ${shortKeys.join(', ')} ignored, shorter than ${MIN_API_KEY_LENGTH} characters`;
}
