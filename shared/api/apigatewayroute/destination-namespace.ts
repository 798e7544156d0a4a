// The namespace a route's destinationService reaches in the cluster, read the way cluster DNS answers it, so
// that a route can be kept from another namespace's Services unless that namespace consents (a
// ReferenceGrant). The webhook warns with it and the controller decides with it; the gateway renderer
// completes the same spellings (route-backend.ts).
//
// `svc` is a Service of the route's namespace; `svc.ns` and `svc.ns.svc` a Service of `ns`. A longer
// name reaches namespace `ns` when a label `svc` or `pod` follows it: `svc.ns.svc.<domain>`,
// `host.svc.ns.svc.<domain>` (a pod behind a headless Service) and `a-b-c-d.ns.pod.<domain>` (a pod's
// address). The cluster domain is not checked, as a cluster may use another one than `cluster.local`; an
// external name spelled that way (`api.eu.svc.example.com`) is therefore read as namespace `eu`, the safe
// reading. Any other name is outside the cluster.

/** What a destination reaches in the cluster. */
export interface DestinationTarget {
  namespace: string;
  /** The Service the name is under; absent for a pod's address (`a-b-c-d.ns.pod.<domain>`). */
  service?: string;
}

/** The namespace (and Service) `destination` reaches, or undefined for a name outside the cluster. */
export function destinationTarget(
  destination: string,
  routeNamespace: string,
): DestinationTarget | undefined {
  const labels = destination.toLowerCase().split('.');
  const [first = '', second = ''] = labels;
  if (labels.length === 1) return { namespace: routeNamespace, service: first };
  if (labels.length === 2) return { namespace: second, service: first };
  for (let i = 2; i < labels.length; i++) {
    const label = labels[i];
    if (label !== 'svc' && label !== 'pod') continue;
    const namespace = labels[i - 1] ?? '';
    const service = label === 'svc' ? labels[i - 2] : undefined;
    return service === undefined ? { namespace } : { namespace, service };
  }
  return undefined;
}

/** The namespace `destination` reaches when it is not `routeNamespace`, else undefined. */
export function otherNamespaceTarget(
  destination: string,
  routeNamespace: string,
): DestinationTarget | undefined {
  const target = destinationTarget(destination, routeNamespace);
  return target !== undefined && target.namespace !== routeNamespace ? target : undefined;
}
