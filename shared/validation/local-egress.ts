// Loopback, link-local and cloud metadata hosts in the fields whose host the operator sends traffic to: an
// AIModel's spec.endpoint (the gateway proxies to it; its ExternalName Service aliases it) and a route's
// spec.destinationService. Judged on the v1 object, in the words the gateway renderer uses for objects
// stored before this rule (shared/gateway/local-egress-refusal.ts).
import { parseModelEndpoint } from '../api/aimodel/endpoint.ts';
import { localEgressDetail, localHost, localServiceHost, type LocalHost } from '../api/local-host.ts';
import type { KubeObject } from '../kube/meta-v1-types.ts';
import { isPlainObject } from '../util/json.ts';
import type { FieldError } from './field-error.ts';

function endpointHost(endpoint: string): LocalHost | undefined {
  const parsed = parseModelEndpoint(endpoint);
  return 'url' in parsed ? localHost(parsed.url.hostname.replace(/^\[|\]$/g, '')) : undefined;
}

/** The errors of a v1 AIModel or APIGatewayRoute whose endpoint or destination is a local host. */
export function localEgressErrors(hub: KubeObject): FieldError[] {
  const spec = isPlainObject(hub.spec) ? hub.spec : {};
  const [field, value] =
    hub.kind === 'AIModel'
      ? ['spec.endpoint', spec.endpoint]
      : ['spec.destinationService', spec.destinationService];
  if (typeof value !== 'string') return [];
  const found = hub.kind === 'AIModel' ? endpointHost(value) : localServiceHost(value);
  return found ? [{ field, type: 'Invalid', badValue: value, detail: localEgressDetail(found) }] : [];
}
