// The AI-gateway fields of the CRDs on a real API server: the rules on AIModel spec.credentials and on
// APIGatewayRoute aiModelRouting and consumers, as the CRDs state them in CEL, refuse what the webhook's
// validator refuses, at the same field with the same detail, and say it in the words checked here; what
// the validator accepts is stored.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { formatFieldError, validateObject } from '../../shared/validation/validate.ts';
import { CommandError } from '../cluster/errors.ts';
import { kubectl } from '../setup/cluster-env.ts';
import { installCRDs } from '../setup/crds.ts';

const NAMESPACE = 'api-e2e-ai-gateway';

/** The API server's error for a rejected create, or undefined when it accepts it. */
async function serverRejection(object: KubeObject): Promise<string | undefined> {
  try {
    await kubectl(['create', '--dry-run=server', '-n', NAMESPACE, '-f', '-'], {
      input: JSON.stringify(object),
    });
    return undefined;
  } catch (err) {
    if (err instanceof CommandError) return err.stderr;
    throw err;
  }
}

const routingRoute = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'gateway.example.com/v1',
  kind: 'APIGatewayRoute',
  metadata: { name: 'chat', namespace: NAMESPACE },
  spec: { path: '/v1', method: 'POST', aiModelRouting: { models: [{ name: 'gpt' }] }, ...spec },
});
const model = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'ai.example.com/v1',
  kind: 'AIModel',
  metadata: { name: 'gpt', namespace: NAMESPACE },
  spec: {
    modelName: 'gpt-4o',
    modelProvider: 'OpenAI',
    modelType: 'LLM',
    endpoint: 'https://api.openai.com/v1',
    ...spec,
  },
});
const secretKeyRef = { name: 'openai', key: 'api-key' };
const consumers = [{ name: 'team-a', rateLimit: 5, tokenBudget: { tokens: 1000, windowSeconds: 60 } }];

const HEADER_SCHEME_ONLY = 'headerName is required with scheme Header and allowed with it only';
const RESERVED_HEADER =
  'headerName may not be a header the gateway sets itself or one that frames the message';
const ONE_BACKEND = 'exactly one of destinationService, aiModelRef or aiModelRouting must be set';
const ANY_OR_POST = 'method must be ANY or POST with aiModelRouting';
const CONSUMERS_ONLY = 'consumers are only allowed with aiModelRouting and authenticationRequired';

describe('the AI-gateway fields on a real API server', () => {
  beforeAll(async () => {
    await installCRDs();
    await kubectl(['create', 'namespace', NAMESPACE]).catch(() => undefined);
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', NAMESPACE, '--wait=false', '--ignore-not-found']);
  });

  /** What is refused, and the field and detail of the rule. */
  const invalid: [string, KubeObject, string, string][] = [
    [
      'a headerName with scheme Bearer',
      model({ credentials: { secretKeyRef, scheme: 'Bearer', headerName: 'X-Key' } }),
      'spec.credentials',
      HEADER_SCHEME_ONLY,
    ],
    [
      'a headerName without a scheme (Bearer by default)',
      model({ credentials: { secretKeyRef, headerName: 'X-Key' } }),
      'spec.credentials',
      HEADER_SCHEME_ONLY,
    ],
    [
      'scheme Header without a headerName',
      model({ credentials: { secretKeyRef, scheme: 'Header' } }),
      'spec.credentials',
      HEADER_SCHEME_ONLY,
    ],
    [
      'a reserved headerName, in any case',
      model({ credentials: { secretKeyRef, scheme: 'Header', headerName: 'X-Forwarded-For' } }),
      'spec.credentials.headerName',
      RESERVED_HEADER,
    ],
    [
      'the Host header as headerName',
      model({ credentials: { secretKeyRef, scheme: 'Header', headerName: 'host' } }),
      'spec.credentials.headerName',
      RESERVED_HEADER,
    ],
    [
      'aiModelRouting with a destination Service',
      routingRoute({ destinationService: 'svc', destinationPort: 8080 }),
      'spec',
      ONE_BACKEND,
    ],
    ['aiModelRouting with aiModelRef', routingRoute({ aiModelRef: { name: 'gpt' } }), 'spec', ONE_BACKEND],
    ['none of the three backends', routingRoute({ aiModelRouting: undefined }), 'spec', ONE_BACKEND],
    ['aiModelRouting with method GET', routingRoute({ method: 'GET' }), 'spec.method', ANY_OR_POST],
    [
      'consumers without aiModelRouting',
      routingRoute({
        aiModelRouting: undefined,
        aiModelRef: { name: 'gpt' },
        authenticationRequired: true,
        apiKeySecretRef: { name: 'keys' },
        consumers,
      }),
      'spec.consumers',
      CONSUMERS_ONLY,
    ],
    [
      'consumers without authenticationRequired',
      routingRoute({ consumers }),
      'spec.consumers',
      CONSUMERS_ONLY,
    ],
  ];

  it.each(invalid)(
    'refuses %s, in the API server as in the webhook validator',
    async (_name, object, field, detail) => {
      const ours = validateObject(JSON.parse(JSON.stringify(object)) as KubeObject).errors;
      expect(ours.map((e) => [e.field, e.detail])).toEqual([[field, detail]]);
      const [error] = ours;
      const theirs = await serverRejection(object);
      const words = error?.type === 'Forbidden' ? 'Forbidden' : 'Invalid value';
      expect(theirs).toContain(`${field}: ${words}: ${detail}`);
      // The API server prints no value for these rules (CEL on the object that holds the field); the
      // validator's words are the same where it prints none either.
      if (typeof error?.badValue !== 'string') expect(theirs).toContain(formatFieldError(error!));
    },
  );

  it('accepts and stores what the validator accepts', async () => {
    const valid = [
      model({
        credentials: { secretKeyRef, scheme: 'Header', headerName: 'X-Provider-Key' },
        providerModelName: 'gpt-4o-2024-08-06',
        fallbacks: [{ name: 'claude' }, { name: 'llama' }],
      }),
      model({ credentials: { secretKeyRef, scheme: 'AnthropicAPIKey' } }),
      routingRoute({
        method: 'ANY',
        authenticationRequired: true,
        apiKeySecretRef: { name: 'keys' },
        consumers: [...consumers, { name: 'team-b', allowedModels: ['gpt'] }],
      }),
      routingRoute({}),
    ];
    for (const object of valid) {
      expect(validateObject(JSON.parse(JSON.stringify(object)) as KubeObject).errors).toEqual([]);
      expect(await serverRejection(object)).toBeUndefined();
    }
  });
});
