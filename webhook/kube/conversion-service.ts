// The CRDs ship as static files (Helm never templates crds/), so a conversion that goes through a Service
// names the default release's Service; these point it at the Service this webhook actually serves behind.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { isPlainObject } from '../../shared/util/json.ts';

export interface ServiceReference {
  namespace: string;
  name: string;
}

/** spec.conversion.webhook of a CRD converting through a webhook; undefined for any other strategy. */
export function conversionWebhookOf(crd: KubeObject): Record<string, unknown> | undefined {
  const spec = crd.spec;
  const conversion = isPlainObject(spec) ? spec.conversion : undefined;
  if (!isPlainObject(conversion) || conversion.strategy !== 'Webhook' || !isPlainObject(conversion.webhook)) {
    return undefined;
  }
  return conversion.webhook;
}

/**
 * Points a Service-based clientConfig at `service`, keeping its path and port; true when it changed.
 * A URL-based clientConfig (development, e2e) is left alone.
 */
export function pointAtService(webhook: Record<string, unknown>, service: ServiceReference): boolean {
  const clientConfig = isPlainObject(webhook.clientConfig) ? webhook.clientConfig : {};
  const current = isPlainObject(clientConfig.service) ? clientConfig.service : undefined;
  if (!current || (current.name === service.name && current.namespace === service.namespace)) return false;
  webhook.clientConfig = { ...clientConfig, service: { ...current, ...service } };
  return true;
}
