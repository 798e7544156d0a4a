// The API key a client of secure-route would be handed: one value of the Secret the route names.
import type { LocalCluster } from '../../e2e/cluster/local-cluster.ts';
import { SAMPLES_NAMESPACE } from './demo-settings.ts';

export const API_KEY_SECRET = 'demo-api-keys';
export const API_KEY_NAME = 'team-a';

export class ApiKeyMissingError extends Error {
  readonly secret: string;
  readonly key: string;
  constructor(secret: string, key: string) {
    super(`Secret ${secret} has no key ${key}`);
    this.name = 'ApiKeyMissingError';
    this.secret = secret;
    this.key = key;
  }
}

export async function readApiKey(cluster: LocalCluster): Promise<string> {
  const secret = await cluster.kubectl.getJson<{ data?: Record<string, string> }>([
    'secret',
    API_KEY_SECRET,
    '-n',
    SAMPLES_NAMESPACE,
  ]);
  const encoded = secret.data?.[API_KEY_NAME];
  if (encoded === undefined)
    throw new ApiKeyMissingError(`${SAMPLES_NAMESPACE}/${API_KEY_SECRET}`, API_KEY_NAME);
  return Buffer.from(encoded, 'base64').toString('utf8');
}
