// The generated CRDs on a real API server: accepted and Established, the seed examples apply unchanged,
// `kubectl explain` and printer columns work, and the API server's own checks (OpenAPI and CEL) agree
// with the webhook's validator on what is invalid and where.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { API_KINDS, crdName } from '../../shared/api/kinds.ts';
import { formatFieldError, validateObject, validateUpdate } from '../../shared/validation/validate.ts';
import { SEEDS_DIR, loadSeed } from '../../test/fixtures/seeds.ts';
import { CommandError } from '../cluster/errors.ts';
import { kubectl } from '../setup/cluster-env.ts';
import { installCRDs } from '../setup/crds.ts';

const NAMESPACE = 'api-e2e';
const ROUTE_SEED = `${SEEDS_DIR}/apigatewayroute-v1-my-backend-route.yaml`;
const MODEL_SEED = `${SEEDS_DIR}/aimodel-v1-new-llm-model.yaml`;

/** The API server's error for a rejected write, or undefined when it accepts it. */
async function serverRejection(
  object: KubeObject,
  verb: 'create' | 'replace' = 'create',
): Promise<string | undefined> {
  try {
    await kubectl([verb, '--dry-run=server', '-n', NAMESPACE, '-f', '-'], { input: JSON.stringify(object) });
    return undefined;
  } catch (err) {
    if (err instanceof CommandError) return err.stderr;
    throw err;
  }
}

const route = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'gateway.example.com/v1',
  kind: 'APIGatewayRoute',
  metadata: { name: 'invalid', namespace: NAMESPACE },
  spec: { path: '/api', method: 'GET', destinationService: 'svc', destinationPort: 8080, ...spec },
});
const model = (spec: Record<string, unknown>, name = 'invalid'): KubeObject => ({
  apiVersion: 'ai.example.com/v1',
  kind: 'AIModel',
  metadata: { name, namespace: NAMESPACE },
  spec: {
    modelName: 'm',
    modelProvider: 'Custom',
    modelType: 'LLM',
    endpoint: 'https://m.example.com/',
    ...spec,
  },
});

describe('CRDs on a real API server', () => {
  beforeAll(async () => {
    await installCRDs();
    await kubectl(['create', 'namespace', NAMESPACE]).catch(() => undefined);
  });

  afterAll(async () => {
    await kubectl(['delete', '-f', ROUTE_SEED, '--ignore-not-found']);
    await kubectl(['delete', 'namespace', NAMESPACE, '--wait=false', '--ignore-not-found']);
  });

  it('accepts the CRDs as structural, with both versions served and v1 stored', async () => {
    for (const kind of API_KINDS) {
      const crd = JSON.parse(await kubectl(['get', `crd/${crdName(kind)}`, '-o', 'json'])) as {
        status: { conditions: { type: string; status: string }[]; storedVersions: string[] };
        spec: { versions: { name: string; served: boolean; storage: boolean; deprecated?: boolean }[] };
      };
      const condition = (type: string) => crd.status.conditions.find((c) => c.type === type)?.status;
      expect(condition('Established')).toBe('True');
      expect(condition('NonStructuralSchema')).toBeUndefined();
      expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage, v.deprecated ?? false])).toEqual([
        ['v1', true, true, false],
        ['v1alpha1', true, false, true],
      ]);
    }
  });

  it('applies the seed examples unchanged and stores them with the schema defaults', async () => {
    await kubectl(['apply', '-f', ROUTE_SEED]);
    await kubectl(['apply', '-n', NAMESPACE, '-f', MODEL_SEED]);
    const storedRoute = JSON.parse(await kubectl(['get', '-f', ROUTE_SEED, '-o', 'json'])) as KubeObject;
    expect(storedRoute.spec).toEqual({
      ...(loadSeed(ROUTE_SEED).spec as object),
      gateway: 'default',
      pathMatch: 'PathPrefix',
      requestTimeoutSeconds: 60,
    });
    const storedModel = JSON.parse(
      await kubectl(['get', '-n', NAMESPACE, '-f', MODEL_SEED, '-o', 'json']),
    ) as KubeObject;
    expect(storedModel.spec).toEqual(loadSeed(MODEL_SEED).spec);
  });

  it('prints the columns and explains the fields', async () => {
    const table = await kubectl(['get', 'agr', '-n', 'default']);
    expect(table.split('\n')[0]?.split(/\s+/)).toEqual([
      'NAME',
      'PATH',
      'METHOD',
      'DESTINATION',
      'STATE',
      'READY',
      'AGE',
    ]);
    expect(table).toMatch(
      /my-backend-route\s+\/api\/v1\/users\s+GET\s+user-service\.default\.svc\.cluster\.local/,
    );
    const models = await kubectl(['get', 'aim', '-n', NAMESPACE]);
    expect(models.split('\n')[0]?.split(/\s+/)).toEqual([
      'NAME',
      'MODELNAME',
      'PROVIDER',
      'VERSION',
      'TYPE',
      'PHASE',
      'READY',
      'AGE',
    ]);
    const explained = await kubectl([
      'explain',
      'apigatewayroute.spec.destinationPort',
      '--api-version=gateway.example.com/v1',
    ]);
    expect(explained).toMatch(/The port on the destination Service/);
  });

  const invalid: [string, KubeObject][] = [
    ['a port out of range', route({ destinationPort: 70000 })],
    ['an unknown method', route({ method: 'FETCH' })],
    ['a path that could inject proxy syntax', route({ path: '/a;b' })],
    ['a path with an escaped slash, which the gateway refuses', route({ path: '/a%2Fb' })],
    ['a path with a dot-dot segment, which the gateway refuses', route({ path: '/a/../b' })],
    [
      'a v1alpha1 path with an escaped dot',
      {
        apiVersion: 'gateway.example.com/v1alpha1',
        kind: 'APIGatewayRoute',
        metadata: { name: 'invalid', namespace: NAMESPACE },
        spec: { path: '/a/%2e%2e', targetService: 'svc:8080' },
      },
    ],
    ['both a Service and a model backend', route({ aiModelRef: { name: 'm' } })],
    ['a Service without a port', route({ destinationPort: undefined })],
    ['a burst without a rate', route({ burst: 5 })],
    ['a header value with a quote', route({ headers: [{ name: 'X-A', value: 'a"b' }] })],
    ['an empty header value', route({ headers: [{ name: 'X-A', value: '' }] })],
    ['a header value with a leading space', route({ headers: [{ name: 'X-A', value: ' a' }] })],
    ['a destination Service that is an IP address', route({ destinationService: '169.254.169.254' })],
    [
      'a v1alpha1 target Service that is an IP address',
      {
        apiVersion: 'gateway.example.com/v1alpha1',
        kind: 'APIGatewayRoute',
        metadata: { name: 'invalid', namespace: NAMESPACE },
        spec: { path: '/api', targetService: '10.0.0.1:8080' },
      },
    ],
    ['a model with neither image nor endpoint', model({ endpoint: undefined })],
    ['an unknown model type', model({ modelType: 'Chat' })],
    ['a bad quantity', model({ image: 'i:1', resources: { requests: { memory: 'lots' } } })],
    [
      'an env var with both value and valueFrom',
      model({
        image: 'i:1',
        env: [{ name: 'A', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
      }),
    ],
    ['a model name too long for its children', model({}, 'm'.repeat(57))],
  ];

  // Rules the CRDs state in CEL; the API server reports them in exactly the webhook's words.
  const celDetails = [
    'exactly one of',
    'is required with',
    'is only allowed with',
    'mutually exclusive',
    'one of image or endpoint',
    'field is immutable',
    'not an IP address',
    'the gateway refuses requests for such paths',
  ];

  it.each(invalid)('rejects %s, in the API server as in the webhook validator', async (_name, object) => {
    const ours = validateObject(JSON.parse(JSON.stringify(object)) as KubeObject).errors;
    expect(ours.length).toBeGreaterThan(0);
    const theirs = await serverRejection(object);
    expect(theirs).toBeDefined();
    for (const error of ours) {
      if (celDetails.some((d) => error.detail.includes(d))) {
        expect(theirs).toContain(formatFieldError(error));
      } else if (error.field === 'metadata.name') {
        // A root-level CEL rule cannot name metadata.name as its field; its message does.
        expect(theirs).toContain(`metadata.name ${error.detail}`);
      } else {
        expect(theirs).toContain(`${error.field}:`);
      }
    }
  });

  it('accepts what the validator accepts', async () => {
    for (const object of [
      route({}),
      route({ destinationService: '10.0.0.1.nip.io', headers: [{ name: 'X-A', value: 'a b' }] }),
      route({ path: '/docs%20v2/caf%C3%A9/a.b/..c/.well-known' }),
      model({}),
      model({ image: 'example/serve:1', endpoint: undefined, port: 9000 }),
    ]) {
      expect(validateObject(object).errors).toEqual([]);
      expect(await serverRejection(object)).toBeUndefined();
    }
  });

  it('keeps modelName immutable, in the API server as in the webhook validator', async () => {
    await kubectl(['apply', '-n', NAMESPACE, '-f', '-'], { input: stringify(model({}, 'immutable')) });
    const stored = JSON.parse(
      await kubectl(['get', '-n', NAMESPACE, 'aimodel', 'immutable', '-o', 'json']),
    ) as KubeObject;
    const changed = { ...stored, spec: { ...(stored.spec as object), modelName: 'other' } };
    expect(validateUpdate(changed, stored).errors.map((e) => e.field)).toEqual(['spec.modelName']);
    const [error] = validateUpdate(changed, stored).errors;
    expect(await serverRejection(changed, 'replace')).toContain(formatFieldError(error!));
  });
});
