// Writes the trust bundle into everything that makes the API server call the webhook: every entry of the
// validating and mutating webhook configurations, and the conversion settings of the CRDs. Each object is
// read, changed only if its caBundle differs, and replaced with its resourceVersion (retried on conflict).
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import type { ResourceDescriptor } from '../../shared/kube/resource.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { isPlainObject } from '../../shared/util/json.ts';
import { conversionWebhookOf } from '../kube/conversion-service.ts';
import { updateObject } from '../kube/update-object.ts';
import {
  CUSTOM_RESOURCE_DEFINITIONS,
  MUTATING_WEBHOOK_CONFIGURATIONS,
  VALIDATING_WEBHOOK_CONFIGURATIONS,
} from '../kube/webhook-resources.ts';

export interface CABundleTargets {
  validatingWebhookConfigurations: readonly string[];
  mutatingWebhookConfigurations: readonly string[];
  customResourceDefinitions: readonly string[];
}

class CAInjectionError extends Error {
  /** e.g. `CustomResourceDefinition aimodels.ai.example.com`. */
  readonly target: string;
  constructor(target: string, message: string, options?: ErrorOptions) {
    super(`injecting the CA bundle into ${target}: ${message}`, options);
    this.name = 'CAInjectionError';
    this.target = target;
  }
}

export interface CABundleInjector {
  /** Throws CAInjectionError for the first target it could not update. */
  inject(bundlePEM: string): Promise<void>;
}

type Setter = (object: KubeObject, caBundle: string, target: string) => boolean;

/** Sets caBundle on every webhook entry; true when something changed. */
const setWebhookEntries: Setter = (object, caBundle, target) => {
  const webhooks = object.webhooks;
  if (!Array.isArray(webhooks) || webhooks.length === 0) {
    throw new CAInjectionError(target, 'it has no webhooks');
  }
  let changed = false;
  for (const webhook of webhooks) {
    if (!isPlainObject(webhook)) continue;
    const clientConfig = isPlainObject(webhook.clientConfig) ? webhook.clientConfig : {};
    if (clientConfig.caBundle !== caBundle) {
      webhook.clientConfig = { ...clientConfig, caBundle };
      changed = true;
    }
  }
  return changed;
};

const setConversionWebhook: Setter = (object, caBundle, target) => {
  const webhook = conversionWebhookOf(object);
  if (!webhook) throw new CAInjectionError(target, 'its spec.conversion.strategy is not Webhook');
  const clientConfig = isPlainObject(webhook.clientConfig) ? webhook.clientConfig : {};
  if (clientConfig.caBundle === caBundle) return false;
  webhook.clientConfig = { ...clientConfig, caBundle };
  return true;
};

export function createCABundleInjector(
  api: KubeAPI,
  targets: CABundleTargets,
  logger: Logger,
): CABundleInjector {
  const jobs: { resource: ResourceDescriptor; name: string; set: Setter }[] = [
    ...targets.validatingWebhookConfigurations.map((name) => ({
      resource: VALIDATING_WEBHOOK_CONFIGURATIONS,
      name,
      set: setWebhookEntries,
    })),
    ...targets.mutatingWebhookConfigurations.map((name) => ({
      resource: MUTATING_WEBHOOK_CONFIGURATIONS,
      name,
      set: setWebhookEntries,
    })),
    ...targets.customResourceDefinitions.map((name) => ({
      resource: CUSTOM_RESOURCE_DEFINITIONS,
      name,
      set: setConversionWebhook,
    })),
  ];

  const fail = (target: string, message: string, cause?: unknown) =>
    new CAInjectionError(target, message, { cause });

  async function injectOne(resource: ResourceDescriptor, name: string, set: Setter, caBundle: string) {
    const change = (object: KubeObject, target: string) => set(object, caBundle, target);
    if (await updateObject(api, resource, name, change, fail)) {
      logger.info('CA bundle injected', { kind: resource.kind, name });
    }
  }

  return {
    async inject(bundlePEM) {
      const caBundle = Buffer.from(bundlePEM).toString('base64');
      for (const job of jobs) await injectOne(job.resource, job.name, job.set, caBundle);
    },
  };
}
