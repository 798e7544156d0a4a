import { describe, expect, it } from '@jest/globals';
import { aiRouting, modelTarget } from './ai-route.ts';
import { GatewayRouteError } from './errors.ts';
import { modelsByKey } from './prepared-route.ts';
import { renderGatewayConfig } from './render-gateway-config.ts';
import { aiModel, gatewayRoute } from './testing/gateway-fixtures.ts';

const models = [
  aiModel('gpt', {
    modelName: 'gpt-4o',
    modelProvider: 'OpenAI',
    endpoint: 'https://api.openai.com/v1',
    credentials: { secretKeyRef: { name: 'openai', key: 'api-key' } },
    fallbacks: [{ name: 'gpt' }, { name: 'llama' }, { name: 'missing' }, { name: 'llama' }],
  }),
  aiModel('llama', { modelName: 'llama-3', providerModelName: 'meta/llama-3', image: 'vllm:1' }),
  aiModel('twin', { modelName: 'llama-3', image: 'vllm:1' }),
  aiModel('azure', {
    modelName: 'gpt-35',
    endpoint: 'https://x.openai.azure.com/openai',
    credentials: { secretKeyRef: { name: 'azure', key: 'key' }, scheme: 'AzureAPIKey' },
  }),
  aiModel('custom', {
    modelName: 'c',
    endpoint: 'https://c.example.com',
    credentials: { secretKeyRef: { name: 'c', key: 'k' }, scheme: 'Header', headerName: 'X-Token' },
  }),
];
const lookup = { models: modelsByKey(models), clusterDomain: 'cluster.local', allowLocalEgress: false };

function route(spec: Parameters<typeof gatewayRoute>[1]) {
  return gatewayRoute('openai', spec);
}

describe('aiRouting', () => {
  it('serves each model by its modelName, with its existing fallbacks in order, itself and repeats left out', () => {
    const routing = aiRouting(
      route({
        path: '/v1',
        aiModelRouting: { models: [{ name: 'gpt' }, { name: 'llama' }, { name: 'twin' }, { name: 'gone' }] },
      }),
      lookup,
    );
    expect(
      routing.models.map((m) => [m.modelName, m.targets.map((t) => [t.model, t.providerModelName])]),
    ).toEqual([
      [
        'gpt-4o',
        [
          ['gpt', 'gpt-4o'],
          ['llama', 'meta/llama-3'],
        ],
      ],
      // twin has the same modelName: the first of the list serves it.
      ['llama-3', [['llama', 'meta/llama-3']]],
    ]);
  });

  it('maps each credential scheme to its header, and keeps the key out of everything but a file path', () => {
    const header = (name: string) =>
      modelTarget(route({ path: '/x', aiModelRef: { name } }), name, lookup)?.credentials;
    expect(header('gpt')).toEqual({
      file: 'openai/api-key',
      header: { name: 'Authorization', prefix: 'Bearer ' },
    });
    expect(header('azure')).toEqual({ file: 'azure/key', header: { name: 'api-key', prefix: '' } });
    expect(header('custom')).toEqual({ file: 'c/k', header: { name: 'X-Token', prefix: '' } });
    expect(header('llama')).toBeUndefined();
  });

  it('gives consumers the modelNames of the AIModels they may use, among those served', () => {
    const routing = aiRouting(
      route({
        path: '/v1',
        aiModelRouting: { models: [{ name: 'gpt' }, { name: 'llama' }] },
        authenticationRequired: true,
        consumers: [
          {
            name: 'beta',
            rateLimit: 3,
            allowedModels: ['llama', 'azure'],
            tokenBudget: { tokens: 10, windowSeconds: 60 },
          },
          { name: 'alpha' },
        ],
      }),
      lookup,
    );
    expect(routing.consumers).toEqual([
      {
        name: 'beta',
        rateLimit: 3,
        allowedModelNames: ['llama-3'],
        tokenBudget: { tokens: 10, windowSeconds: 60 },
      },
      { name: 'alpha', rateLimit: 0 },
    ]);
  });

  it('refuses a model name that could not be written into the routing table as it is', () => {
    const bad = aiModel('bad', { modelName: 'two words', endpoint: 'https://x.example.com' });
    expect(() =>
      aiRouting(route({ path: '/v1', aiModelRouting: { models: [{ name: 'bad' }] } }), {
        ...lookup,
        models: modelsByKey([bad]),
      }),
    ).toThrow(GatewayRouteError);
  });
});

describe('rendered AI routes', () => {
  it('name the provider key only as a file path, and let no client key through to the model', () => {
    const { config, files } = renderGatewayConfig({
      namespace: 'team-a',
      gateway: 'edge',
      resolver: '10.96.0.10',
      models,
      routes: [
        route({
          path: '/v1',
          authenticationRequired: true,
          apiKeySecretRef: { name: 'keys' },
          aiModelRouting: { models: [{ name: 'gpt' }, { name: 'azure' }] },
        }),
      ],
    });
    expect(config).toContain('set $gw_credential_file_0 "/etc/gateway/credentials/openai/api-key";');
    expect(config).toContain('proxy_set_header Authorization "Bearer $gw_credential_0";');
    expect(config).toContain('proxy_set_header api-key "$gw_credential_0";');
    // Each target location clears the key headers it does not set.
    const azure = config.slice(config.indexOf('AIModel azure'));
    expect(azure.slice(0, azure.indexOf('proxy_pass'))).toMatch(/proxy_set_header authorization "";/);
    expect(Object.keys(files).sort()).toEqual(['gateway-ai.js', 'gateway-api-keys.js']);
    expect(files['gateway-ai.js']).toContain('"gpt-4o"');
  });
});
