// Which Secrets a gateway pod would find where: the Secret volumes of the gateway Deployment mounted
// under the API-key directory, and those under the provider-credentials directory (only the data keys
// the volume names), as the kubelet would lay them out in the pod.
import type { Deployment } from '../../controller/children/kube-objects.ts';
import {
  DEFAULT_API_KEYS_DIRECTORY,
  DEFAULT_CREDENTIALS_DIRECTORY,
} from '../../shared/gateway/gateway-options.ts';

export interface SecretMount {
  secretName: string;
  /** Below the mount's directory, e.g. "demo-api-keys". */
  subdirectory: string;
  optional: boolean;
  /** File name by data key, when the volume names its keys; every key when absent. */
  items?: Record<string, string>;
}

function secretMountsUnder(deployment: Deployment, directory: string): SecretMount[] {
  const volumes = new Map((deployment.spec.template.spec.volumes ?? []).map((v) => [v.name, v]));
  const prefix = `${directory}/`;
  return deployment.spec.template.spec.containers.flatMap((container) =>
    (container.volumeMounts ?? []).flatMap((mount) => {
      const secret = volumes.get(mount.name)?.secret;
      if (!secret || !mount.mountPath.startsWith(prefix)) return [];
      return [
        {
          secretName: secret.secretName,
          subdirectory: mount.mountPath.slice(prefix.length),
          optional: secret.optional ?? false,
          ...(secret.items
            ? { items: Object.fromEntries(secret.items.map((item) => [item.key, item.path])) }
            : {}),
        },
      ];
    }),
  );
}

export function apiKeySecretMounts(deployment: Deployment): SecretMount[] {
  return secretMountsUnder(deployment, DEFAULT_API_KEYS_DIRECTORY);
}

export function credentialSecretMounts(deployment: Deployment): SecretMount[] {
  return secretMountsUnder(deployment, DEFAULT_CREDENTIALS_DIRECTORY);
}
