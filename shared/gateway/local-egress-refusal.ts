// The renderer's line behind admission for egress: a route or AIModel stored before the webhook refused
// loopback, link-local and cloud metadata hosts (or written while no webhook was called) must not make the
// gateway proxy to its own pod, the node's link or the cloud's metadata service, unless the controller
// runs with local egress allowed. The refusal reads as the webhook's.
import type { AIModelV1 } from '../api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import { localEgressDetail, localHost, localServiceHost } from '../api/local-host.ts';
import { GatewayRouteError } from './errors.ts';
import { routeIdentity } from './route-identity.ts';

/** Throws GatewayRouteError when the route's destination Service is a local host and that is not allowed. */
export function refuseLocalDestination(
  route: APIGatewayRouteV1,
  service: string,
  allowLocalEgress: boolean,
): void {
  const found = allowLocalEgress ? undefined : localServiceHost(service);
  if (found)
    throw new GatewayRouteError(routeIdentity(route), 'spec.destinationService', localEgressDetail(found));
}

/** Throws GatewayRouteError when the model's endpoint host (as URL parsing read it) is local and that is not allowed. */
export function refuseLocalEndpoint(
  route: APIGatewayRouteV1,
  model: AIModelV1,
  url: URL,
  allowLocalEgress: boolean,
): void {
  const found = allowLocalEgress ? undefined : localHost(url.hostname.replace(/^\[|\]$/g, ''));
  if (!found) return;
  throw new GatewayRouteError(
    routeIdentity(route),
    'spec.aiModelRef',
    `AIModel ${model.metadata.name} has endpoint ${JSON.stringify(model.spec.endpoint)}, whose host ${localEgressDetail(found)}`,
  );
}
