// Where a route's requests go: a Service (named by the route, or an in-cluster AIModel's Service), or the
// endpoint of an AIModel served outside the cluster.
import type { AIModelV1 } from '../api/aimodel/v1.ts';
import { parseModelEndpoint } from '../api/aimodel/endpoint.ts';
import { modelChildName } from '../api/aimodel/names.ts';
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import { NOT_AN_IP_ADDRESS_DETAIL, NUMERIC_HOST_PATTERN } from '../api/apigatewayroute/v1.ts';
import { endpointRewritePath } from './endpoint-path.ts';
import { GatewayRouteError } from './errors.ts';
import { refuseLocalDestination, refuseLocalEndpoint } from './local-egress-refusal.ts';
import { routeIdentity } from './route-identity.ts';
import { namespaceOf } from '../kube/object-key.ts';

/** A Service or DNS name spoken to over plain HTTP; the request URI is passed on unchanged. */
interface ServiceBackend {
  kind: 'service';
  host: string;
  port: number;
}

/**
 * An external model endpoint. Its URL is the base: the part of the request path below the route's path
 * is appended to the endpoint's path, and Host and TLS server name are the endpoint's host.
 */
export interface EndpointBackend {
  kind: 'endpoint';
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /** Host header: the host, with the port unless it is the scheme's default. */
  authority: string;
  /**
   * The endpoint's path, decoded for a rewrite (see endpoint-path.ts), without a trailing slash; empty
   * when it is `/`.
   */
  basePath: string;
  /** The endpoint's path as the URL spells it (escapes kept), without a trailing slash; empty when `/`. */
  encodedBasePath: string;
}

export type RouteBackend = ServiceBackend | EndpointBackend;

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** A model's Service, like every Service of this operator, listens on port 80. */
const MODEL_SERVICE_PORT = 80;
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NUMERIC_HOST = new RegExp(NUMERIC_HOST_PATTERN);
// What a URL's pathname may hold in a rewrite replacement: RFC 3986 path characters but `$`, which nginx
// would read as a variable.
const URL_PATH = /^[A-Za-z0-9._~%!&'()*+,;=:@/-]*$/;

/**
 * The fully qualified name of a Service: a bare name is in the route's namespace, `svc.ns` and `svc.ns.svc`
 * are completed with the cluster domain (nginx's resolver applies no search domains), and any other
 * dotted name is used as it is.
 */
function serviceHost(service: string, namespace: string, clusterDomain: string): string {
  const labels = service.split('.');
  if (labels.length === 1) return `${service}.${namespace}.svc.${clusterDomain}`;
  if (labels.length === 2) return `${service}.svc.${clusterDomain}`;
  if (labels.length === 3 && labels[2] === 'svc') return `${service}.${clusterDomain}`;
  return service;
}

function endpointBackend(
  route: APIGatewayRouteV1,
  model: AIModelV1,
  endpoint: string,
  allowLocalEgress: boolean,
): EndpointBackend {
  const fail = (problem: string) =>
    new GatewayRouteError(
      routeIdentity(route),
      'spec.aiModelRef',
      `AIModel ${model.metadata.name} has endpoint ${JSON.stringify(endpoint)}, which ${problem}`,
    );
  const parsed = parseModelEndpoint(endpoint);
  if ('problem' in parsed) throw fail(`is invalid: it ${parsed.problem}`);
  const { url } = parsed;
  refuseLocalEndpoint(route, model, url, allowLocalEgress);
  const host = url.hostname;
  if (!URL_PATH.test(url.pathname)) throw fail('has a path with characters a proxy path cannot hold ("$")');
  const basePath = endpointRewritePath(url.pathname.replace(/\/+$/, ''));
  if ('problem' in basePath) throw fail(basePath.problem);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
  return {
    kind: 'endpoint',
    scheme,
    host,
    port,
    authority: url.port ? `${host}:${url.port}` : host,
    basePath: basePath.path,
    encodedBasePath: url.pathname.replace(/\/+$/, ''),
  };
}

/**
 * Where a route reaches an AIModel: a model without an image at its endpoint; a model with an image, or
 * one not (yet) known, through its Service, which exists once the model is reconciled.
 */
export function modelBackend(
  route: APIGatewayRouteV1,
  name: string,
  /** By `<namespace>/<name>`. */
  models: ReadonlyMap<string, AIModelV1>,
  clusterDomain: string,
  allowLocalEgress: boolean,
): RouteBackend {
  const namespace = namespaceOf(route);
  const model = models.get(`${namespace}/${name}`);
  if (model && model.spec.image === undefined && model.spec.endpoint !== undefined) {
    return endpointBackend(route, model, model.spec.endpoint, allowLocalEgress);
  }
  return {
    kind: 'service',
    host: serviceHost(modelChildName(name), namespace, clusterDomain),
    port: MODEL_SERVICE_PORT,
  };
}

/**
 * The backend of an admitted route. A model without an image is served at its endpoint; a model with an
 * image, or one not (yet) known, is reached through its Service, which exists once the model is reconciled.
 */
export function routeBackend(
  route: APIGatewayRouteV1,
  /** By `<namespace>/<name>`. */
  models: ReadonlyMap<string, AIModelV1>,
  clusterDomain: string,
  /** Whether loopback, link-local and cloud metadata hosts may be proxied to (see local-egress-refusal.ts). */
  allowLocalEgress = false,
): RouteBackend {
  const namespace = namespaceOf(route);
  const { destinationService, destinationPort, aiModelRef } = route.spec;
  if (aiModelRef !== undefined) {
    if (!DNS_NAME.test(aiModelRef.name)) {
      throw new GatewayRouteError(routeIdentity(route), 'spec.aiModelRef.name', 'must be a DNS subdomain');
    }
    return modelBackend(route, aiModelRef.name, models, clusterDomain, allowLocalEgress);
  }
  if (destinationService === undefined || !DNS_NAME.test(destinationService)) {
    throw new GatewayRouteError(
      routeIdentity(route),
      'spec.destinationService',
      'must be a DNS subdomain (a Service name or a DNS name) when aiModelRef is not set',
    );
  }
  // Admission refuses these; a route stored before that rule must not reach an address (169.254.169.254).
  if (NUMERIC_HOST.test(destinationService)) {
    throw new GatewayRouteError(routeIdentity(route), 'spec.destinationService', NOT_AN_IP_ADDRESS_DETAIL);
  }
  refuseLocalDestination(route, destinationService, allowLocalEgress);
  if (
    destinationPort === undefined ||
    !Number.isInteger(destinationPort) ||
    destinationPort < 1 ||
    destinationPort > 65535
  ) {
    throw new GatewayRouteError(
      routeIdentity(route),
      'spec.destinationPort',
      'must be an integer from 1 to 65535',
    );
  }
  return {
    kind: 'service',
    host: serviceHost(destinationService, namespace, clusterDomain),
    port: destinationPort,
  };
}
