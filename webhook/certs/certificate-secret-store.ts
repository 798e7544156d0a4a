// Reading and writing the certificate Secret with optimistic concurrency: create fails if another replica
// created it first, update fails if another replica changed it since it was read. Either way the caller
// reads again and adopts what is there.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../shared/kube/api-error.ts';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import { SECRETS } from '../../shared/kube/well-known-resources.ts';

interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export class CertificateSecretConflictError extends Error {
  readonly namespace: string;
  readonly secretName: string;
  constructor(namespace: string, name: string, cause: unknown) {
    super(`Secret ${namespace}/${name} was written by someone else meanwhile`, { cause });
    this.name = 'CertificateSecretConflictError';
    this.namespace = namespace;
    this.secretName = name;
  }
}

export interface CertificateSecretStore {
  readonly namespace: string;
  readonly name: string;
  read(): Promise<SecretObject | undefined>;
  /** Throws CertificateSecretConflictError when the Secret exists already. */
  create(data: Record<string, string>): Promise<void>;
  /** Throws CertificateSecretConflictError when `current` is no longer the latest version. */
  update(current: SecretObject, data: Record<string, string>): Promise<void>;
}

export function kubeCertificateSecretStore(
  api: KubeAPI,
  namespace: string,
  name: string,
  labels: Record<string, string> = {},
): CertificateSecretStore {
  const ref = { namespace, name };
  return {
    namespace,
    name,
    async read() {
      try {
        return await api.get<SecretObject>(SECRETS, ref);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async create(data) {
      try {
        await api.create<SecretObject>(SECRETS, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name, namespace, labels },
          type: 'kubernetes.io/tls',
          data,
        });
      } catch (err) {
        if (isAlreadyExists(err)) throw new CertificateSecretConflictError(namespace, name, err);
        throw err;
      }
    },
    async update(current, data) {
      try {
        await api.replace<SecretObject>(SECRETS, { ...current, data });
      } catch (err) {
        if (isConflict(err)) throw new CertificateSecretConflictError(namespace, name, err);
        throw err;
      }
    },
  };
}
