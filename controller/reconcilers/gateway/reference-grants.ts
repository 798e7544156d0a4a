// Consent for a route to reach another namespace, as Gateway API asks of every cross-namespace reference:
// a ReferenceGrant (gateway.networking.k8s.io/v1beta1) in the namespace of the Service, whose `from`
// names APIGatewayRoutes of the route's namespace and whose `to` names Services (all of them, or the one
// by name). The grant is read at every reconcile, so removing it revokes what it allowed. Where the CRD is
// not installed no grant exists, and no route reaches another namespace.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { API_GATEWAY_ROUTE } from '../../../shared/api/kinds.ts';
import type { DestinationTarget } from '../../../shared/api/apigatewayroute/destination-namespace.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import { namespaceOf } from '../../../shared/kube/object-key.ts';

export const REFERENCE_GRANTS: ResourceDescriptor = {
  group: 'gateway.networking.k8s.io',
  version: 'v1beta1',
  resource: 'referencegrants',
  kind: 'ReferenceGrant',
  namespaced: true,
};

/** The fields of a ReferenceGrant this operator reads; the rest is the Gateway API's. */
export interface ReferenceGrant extends KubeObject {
  spec?: {
    from?: { group?: string; kind?: string; namespace?: string }[];
    to?: { group?: string; kind?: string; name?: string }[];
  };
}

/** Whether one of `grants` (those of `target.namespace`) lets routes of `routeNamespace` reach `target`. */
export function grantsRouteAccess(
  grants: readonly ReferenceGrant[],
  routeNamespace: string,
  target: DestinationTarget,
): boolean {
  return grants.some(
    (grant) =>
      namespaceOf(grant) === target.namespace &&
      (grant.spec?.from ?? []).some(
        (from) =>
          from.group === API_GATEWAY_ROUTE.group &&
          from.kind === API_GATEWAY_ROUTE.kind &&
          from.namespace === routeNamespace,
      ) &&
      (grant.spec?.to ?? []).some(
        (to) =>
          (to.group ?? '') === '' &&
          to.kind === 'Service' &&
          (to.name === undefined || to.name === '' || to.name === target.service),
      ),
  );
}

/** The route's status message when it names a Service of another namespace without its consent. */
export function refNotPermittedMessage(
  destination: string,
  routeNamespace: string,
  target: DestinationTarget,
): string {
  const what =
    target.service === undefined
      ? `an address in namespace ${target.namespace}`
      : `Service ${target.service} in namespace ${target.namespace}`;
  const to = target.service === undefined ? 'Services' : `Service ${target.service}`;
  return `spec.destinationService ${JSON.stringify(destination)} reaches ${what}, and no ReferenceGrant (gateway.networking.k8s.io/v1beta1) there permits APIGatewayRoutes from namespace ${routeNamespace} to reach ${to}; the route is not served until one does`;
}
