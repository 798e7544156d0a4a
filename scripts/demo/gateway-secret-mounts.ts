// Which Secrets a gateway pod would find where: the Secret volumes of the gateway Deployment mounted
// under the API-key directory, as the kubelet would lay them out in the pod.
import type { Deployment } from '../../controller/children/kube-objects.ts';
import { DEFAULT_API_KEYS_DIRECTORY } from '../../shared/gateway/gateway-options.ts';

export interface SecretMount {
  secretName: string;
  /** Below the API-key directory, e.g. "demo-api-keys". */
  subdirectory: string;
  optional: boolean;
}

export function apiKeySecretMounts(deployment: Deployment): SecretMount[] {
  const volumes = new Map((deployment.spec.template.spec.volumes ?? []).map((v) => [v.name, v]));
  const prefix = `${DEFAULT_API_KEYS_DIRECTORY}/`;
  return deployment.spec.template.spec.containers.flatMap((container) =>
    (container.volumeMounts ?? []).flatMap((mount) => {
      const secret = volumes.get(mount.name)?.secret;
      if (!secret || !mount.mountPath.startsWith(prefix)) return [];
      return [
        {
          secretName: secret.secretName,
          subdirectory: mount.mountPath.slice(prefix.length),
          optional: secret.optional ?? false,
        },
      ];
    }),
  );
}
