// Names of the objects that run a gateway, derived from the gateway name (at most 50 characters, so these
// stay valid DNS labels), and the default gateway of routes that name none.

const GATEWAY_CHILD_PREFIX = 'agw-';
export const DEFAULT_GATEWAY = 'default';

/** The Deployment, Service and ConfigMap of a gateway share this name. */
export function gatewayChildName(gateway: string): string {
  return `${GATEWAY_CHILD_PREFIX}${gateway}`;
}
