// What the gateway needs to know of the AIModels a route reaches: for each model, where it is served, the
// name its provider knows it by, the credential to present and, for a route that chooses the model by the
// request body (aiModelRouting), the fallbacks to try in order. Pure; every value the renderer writes
// into the configuration or the njs tables is checked here.
import type { AIModelV1, CredentialScheme } from '../api/aimodel/v1.ts';
import { MAX_FALLBACKS } from '../api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../api/apigatewayroute/v1.ts';
import { CONSUMER_NAME_PATTERN } from '../api/apigatewayroute/v1.ts';
import { GatewayRouteError } from './errors.ts';
import { modelBackend, type RouteBackend } from './route-backend.ts';
import { routeIdentity } from './route-identity.ts';
import { namespaceOf } from '../kube/object-key.ts';

/** The header that carries a provider key, and what comes before the key in its value. */
interface CredentialHeader {
  name: string;
  prefix: string;
}

interface ModelCredentials {
  /** `<secret>/<key>`, below the gateway's credentials directory. */
  file: string;
  header: CredentialHeader;
}

/** One model a request may be sent to. */
export interface ModelTarget {
  /** The AIModel's metadata.name. */
  model: string;
  /** What the provider is asked for in the body's "model". */
  providerModelName: string;
  backend: RouteBackend;
  credentials?: ModelCredentials;
}

/** A model an aiModelRouting route serves, by the name clients ask for, and where to send its requests. */
interface RoutedModel {
  /** spec.modelName: what clients put in "model". */
  modelName: string;
  provider: string;
  /** The model itself, then its fallbacks that exist, in order. */
  targets: ModelTarget[];
}

interface RouteConsumer {
  name: string;
  /** Requests per second; 0: no limit of its own. */
  rateLimit: number;
  /** modelNames the consumer may use; undefined: all. */
  allowedModelNames?: string[];
  tokenBudget?: { tokens: number; windowSeconds: number };
}

export interface AIRouting {
  models: RoutedModel[];
  consumers: RouteConsumer[];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-_a-zA-Z0-9][-._a-zA-Z0-9]*$/;
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const CONSUMER_NAME = new RegExp(CONSUMER_NAME_PATTERN);
// What a model name may hold to be written into JSON and compared: no whitespace, quotes or backslashes.
const MODEL_NAME = /^[^\s"\\]{1,253}$/;

const SCHEME_HEADERS: Record<Exclude<CredentialScheme, 'Header'>, CredentialHeader> = {
  Bearer: { name: 'Authorization', prefix: 'Bearer ' },
  AzureAPIKey: { name: 'api-key', prefix: '' },
  AnthropicAPIKey: { name: 'x-api-key', prefix: '' },
};

function credentialsOf(route: APIGatewayRouteV1, model: AIModelV1): ModelCredentials | undefined {
  const credentials = model.spec.credentials;
  if (credentials === undefined) return undefined;
  const fail = (field: string, problem: string) =>
    new GatewayRouteError(
      routeIdentity(route),
      'spec',
      `AIModel ${model.metadata.name}: spec.credentials.${field} ${problem}`,
    );
  const { name, key } = credentials.secretKeyRef;
  if (!DNS_SUBDOMAIN.test(name)) throw fail('secretKeyRef.name', 'must be a DNS subdomain');
  if (!SECRET_KEY.test(key) || key.length > 253) {
    throw fail('secretKeyRef.key', 'must be letters, digits, "-", "_" and ".", not starting with "."');
  }
  const scheme = credentials.scheme ?? 'Bearer';
  let header: CredentialHeader;
  if (scheme === 'Header') {
    const headerName = credentials.headerName ?? '';
    if (!HEADER_NAME.test(headerName)) throw fail('headerName', 'must be a header name');
    header = { name: headerName, prefix: '' };
  } else {
    header = SCHEME_HEADERS[scheme];
    if (header === undefined) throw fail('scheme', 'is not a known scheme');
  }
  return { file: `${name}/${key}`, header };
}

function modelNameOf(route: APIGatewayRouteV1, model: AIModelV1, field: string, value: string): string {
  if (!MODEL_NAME.test(value)) {
    throw new GatewayRouteError(
      routeIdentity(route),
      'spec',
      `AIModel ${model.metadata.name}: spec.${field} must be 1 to 253 characters without whitespace, quotes or backslashes`,
    );
  }
  return value;
}

export interface ModelLookup {
  /** AIModels by `<namespace>/<name>`. */
  models: ReadonlyMap<string, AIModelV1>;
  clusterDomain: string;
  allowLocalEgress: boolean;
}

/** The target of the AIModel `name` as a route in `route`'s namespace reaches it; undefined when unknown. */
export function modelTarget(
  route: APIGatewayRouteV1,
  name: string,
  lookup: ModelLookup,
): ModelTarget | undefined {
  const model = lookup.models.get(`${namespaceOf(route)}/${name}`);
  if (model === undefined) return undefined;
  return {
    model: name,
    providerModelName: modelNameOf(
      route,
      model,
      model.spec.providerModelName === undefined ? 'modelName' : 'providerModelName',
      model.spec.providerModelName ?? model.spec.modelName,
    ),
    backend: modelBackend(route, name, lookup.models, lookup.clusterDomain, lookup.allowLocalEgress),
    ...(model.spec.credentials ? { credentials: credentialsOf(route, model) } : {}),
  };
}

function routedModels(route: APIGatewayRouteV1, lookup: ModelLookup): RoutedModel[] {
  const routed: RoutedModel[] = [];
  const taken = new Set<string>();
  for (const { name } of route.spec.aiModelRouting?.models ?? []) {
    if (!DNS_SUBDOMAIN.test(name)) {
      throw new GatewayRouteError(
        routeIdentity(route),
        'spec.aiModelRouting.models',
        'must name DNS subdomains',
      );
    }
    const model = lookup.models.get(`${namespaceOf(route)}/${name}`);
    const primary = modelTarget(route, name, lookup);
    // Not (yet) there: not served; the controller reports it.
    if (model === undefined || primary === undefined) continue;
    const modelName = modelNameOf(route, model, 'modelName', model.spec.modelName);
    // The first model of the list with a name serves it; the controller reports the others.
    if (taken.has(modelName)) continue;
    taken.add(modelName);
    const fallbacks = (model.spec.fallbacks ?? [])
      .slice(0, MAX_FALLBACKS)
      .map((f) => f.name)
      .filter((f, i, all) => f !== name && all.indexOf(f) === i && DNS_SUBDOMAIN.test(f))
      .flatMap((f) => modelTarget(route, f, lookup) ?? []);
    routed.push({ modelName, provider: model.spec.modelProvider, targets: [primary, ...fallbacks] });
  }
  return routed;
}

function consumers(
  route: APIGatewayRouteV1,
  routed: readonly RoutedModel[],
  lookup: ModelLookup,
): RouteConsumer[] {
  const modelNameOfObject = new Map<string, string>();
  for (const { name } of route.spec.aiModelRouting?.models ?? []) {
    const model = lookup.models.get(`${namespaceOf(route)}/${name}`);
    if (model) modelNameOfObject.set(name, model.spec.modelName);
  }
  const served = new Set(routed.map((m) => m.modelName));
  return (route.spec.consumers ?? []).map((consumer, i) => {
    const field = `spec.consumers[${i}]`;
    if (!CONSUMER_NAME.test(consumer.name) || consumer.name.length > 253) {
      throw new GatewayRouteError(
        routeIdentity(route),
        `${field}.name`,
        `must match ${CONSUMER_NAME_PATTERN}`,
      );
    }
    const rateLimit = consumer.rateLimit ?? 0;
    if (!Number.isInteger(rateLimit) || rateLimit < 0 || rateLimit > 1_000_000) {
      throw new GatewayRouteError(
        routeIdentity(route),
        `${field}.rateLimit`,
        'must be an integer from 1 to 1000000',
      );
    }
    const budget = consumer.tokenBudget;
    if (
      budget !== undefined &&
      !(
        Number.isInteger(budget.tokens) &&
        budget.tokens >= 1 &&
        Number.isInteger(budget.windowSeconds) &&
        budget.windowSeconds >= 1 &&
        budget.windowSeconds <= 2_592_000
      )
    ) {
      throw new GatewayRouteError(
        routeIdentity(route),
        `${field}.tokenBudget`,
        'must have integer tokens of at least 1 and windowSeconds from 1 to 2592000',
      );
    }
    return {
      name: consumer.name,
      rateLimit,
      ...(consumer.allowedModels
        ? {
            allowedModelNames: consumer.allowedModels
              .flatMap((name) => modelNameOfObject.get(name) ?? [])
              .filter((modelName) => served.has(modelName))
              .sort(),
          }
        : {}),
      ...(budget ? { tokenBudget: { tokens: budget.tokens, windowSeconds: budget.windowSeconds } } : {}),
    };
  });
}

/** The models and consumers of an aiModelRouting route; throws GatewayRouteError for what cannot be rendered. */
export function aiRouting(route: APIGatewayRouteV1, lookup: ModelLookup): AIRouting {
  const models = routedModels(route, lookup);
  return { models, consumers: consumers(route, models, lookup) };
}
