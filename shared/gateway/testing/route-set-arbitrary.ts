// Random route sets for one gateway, for property tests of the renderer: schema-valid routes (from the API
// generators) with paths from a small pool so that routes share and nest paths, models for the routes that
// name one, and, when asked, values an attacker would write (quotes, braces, `;`, `$`, newlines, escapes)
// in the fields that reach the configuration, as if validation had been bypassed.
import fc from 'fast-check';
import type { AIModelV1 } from '../../api/aimodel/v1.ts';
import type { APIGatewayRouteV1 } from '../../api/apigatewayroute/v1.ts';
import { modelSpecV1, routeV1 } from '../../api/testing/arbitraries.ts';
import { FIXTURE_GATEWAY, FIXTURE_NAMESPACE } from './gateway-fixtures.ts';

export interface RouteSet {
  routes: APIGatewayRouteV1[];
  models: AIModelV1[];
}

const SHARED_PATHS = ['/', '/api', '/api/v1', '/api/v1/users', '/v1/chat/completions', '/healthz', '/a%20b'];

/** Characters that mean something to nginx's tokenizer, to PCRE or to JSON. */
const adversarialText = fc.string({
  unit: fc.constantFrom(...'"\'\\;{}$#() \t\n\r%~*^|[].?+/:@=,&!`<>'.split(''), 'a', 'Z', '0', 'é', '\u2028'),
  maxLength: 24,
});

type Override = (route: APIGatewayRouteV1, text: string) => void;

const OVERRIDES: Override[] = [
  (route, text) => (route.spec.path = `/${text}`),
  (route, text) => (route.spec.headers = [{ name: 'X-Attack', value: text }]),
  (route, text) => (route.spec.headers = [{ name: text, value: 'v' }]),
  (route, text) => (route.spec.hosts = [text]),
  (route, text) => (route.spec.destinationService = text),
  (route, text) => (route.metadata.name = text),
  (route, text) => (route.spec.apiKeySecretRef = { name: text }),
];

function gatewayRoute(adversarial: boolean) {
  return fc
    .tuple(
      routeV1,
      fc.option(fc.constantFrom(...SHARED_PATHS), { freq: 2 }),
      adversarial ? fc.option(fc.tuple(fc.nat(OVERRIDES.length - 1), adversarialText)) : fc.constant(null),
    )
    .map(([object, sharedPath, override]) => {
      const route = structuredClone(object) as APIGatewayRouteV1;
      route.metadata.namespace = FIXTURE_NAMESPACE;
      route.spec.gateway = FIXTURE_GATEWAY;
      if (sharedPath !== null) route.spec.path = sharedPath;
      if (override) OVERRIDES[override[0]]?.(route, override[1]);
      return route;
    });
}

export function routeSetArbitrary({ adversarial }: { adversarial: boolean }): fc.Arbitrary<RouteSet> {
  return fc
    .tuple(
      fc.uniqueArray(gatewayRoute(adversarial), {
        minLength: 1,
        maxLength: 8,
        selector: (r) => r.metadata.name,
      }),
      fc.infiniteStream(modelSpecV1),
    )
    .map(([routes, specs]) => {
      const names = [...new Set(routes.flatMap((r) => (r.spec.aiModelRef ? [r.spec.aiModelRef.name] : [])))];
      const models = names.map((name): AIModelV1 => {
        const spec = specs.next().value as AIModelV1['spec'];
        return {
          apiVersion: 'ai.example.com/v1',
          kind: 'AIModel',
          metadata: { name, namespace: FIXTURE_NAMESPACE },
          spec,
        };
      });
      return { routes, models };
    });
}
