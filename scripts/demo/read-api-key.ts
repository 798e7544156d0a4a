// The API key a client of secure-route would be handed: one value of the Secret the route names; and
// any other value of a sample Secret, such as the provider key the demo checks the model server got.
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { SAMPLES_NAMESPACE } from './demo-settings.ts';

export const API_KEY_SECRET = 'demo-api-keys';
export const API_KEY_NAME = 'team-a';

class APIKeyMissingError extends Error {
  readonly secret: string;
  readonly key: string;
  constructor(secret: string, key: string) {
    super(`Secret ${secret} has no key ${key}`);
    this.name = 'APIKeyMissingError';
    this.secret = secret;
    this.key = key;
  }
}

/** The value at `key` of the sample Secret `name`, decoded. */
export async function readSecretValue(cluster: LocalCluster, name: string, key: string): Promise<string> {
  const secret = await cluster.kubectl.getJSON<{ data?: Record<string, string> }>([
    'secret',
    name,
    '-n',
    SAMPLES_NAMESPACE,
  ]);
  const encoded = secret.data?.[key];
  if (encoded === undefined) throw new APIKeyMissingError(`${SAMPLES_NAMESPACE}/${name}`, key);
  return Buffer.from(encoded, 'base64').toString('utf8');
}

export function readAPIKey(cluster: LocalCluster): Promise<string> {
  return readSecretValue(cluster, API_KEY_SECRET, API_KEY_NAME);
}
