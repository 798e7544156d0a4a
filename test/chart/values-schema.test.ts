// values.schema.json turns a wrong value into an error at install that names the value and what is allowed.
import { describe, expect, it } from '@jest/globals';
import { renderChart, renderRefusal } from './helm.ts';

describe('values.schema.json', () => {
  it.each([
    [
      'an unknown certificate mode',
      { webhook: { certificates: { mode: 'manual' } } },
      "at '/webhook/certificates/mode': value must be one of 'selfManaged', 'certManager', 'secret'",
    ],
    [
      'secret mode without its Secret and CA',
      { webhook: { certificates: { mode: 'secret' } } },
      "at '/webhook/certificates/secret/name': minLength",
    ],
    ['no webhook replica', { webhook: { replicas: 0 } }, "at '/webhook/replicas': minimum: got 0, want 1"],
    [
      'a misspelt value',
      { controller: { replica: 2 } },
      "at '/controller': additional properties 'replica' not allowed",
    ],
    [
      'two controllers without leader election',
      { controller: { replicas: 2, leaderElection: { enabled: false } } },
      "at '/controller/replicas': maximum: got 2, want 1",
    ],
    [
      'a plain-HTTP external URL',
      { webhook: { externalURL: 'http://127.0.0.1:9443' } },
      "at '/webhook/externalURL'",
    ],
    [
      'a privileged port',
      { webhook: { ports: { https: 443 } } },
      "at '/webhook/ports/https': minimum: got 443, want 1,024",
    ],
    ['a resolver that is not an address', { gateway: { resolver: 'kube-dns' } }, "at '/gateway/resolver'"],
    [
      'a gateway request that is not a quantity',
      { gateway: { resources: { requests: { memory: '64MB' } } } },
      "at '/gateway/resources/requests/memory'",
    ],
    [
      'a negative gateway limit',
      { gateway: { resources: { limits: { cpu: -1 } } } },
      "at '/gateway/resources/limits/cpu': minimum: got -1, want 0",
    ],
    [
      'a gateway resource the controller has no flag for',
      { gateway: { resources: { limits: { 'ephemeral-storage': '1Gi' } } } },
      "at '/gateway/resources/limits': additional properties 'ephemeral-storage' not allowed",
    ],
    [
      'model image prefixes joined into one value',
      { security: { allowedModelImages: ['ghcr.io/acme/,ghcr.io/other/'] } },
      "at '/security/allowedModelImages/0'",
    ],
    [
      'local egress allowed in words',
      { security: { allowLocalEgress: 'yes' } },
      "at '/security/allowLocalEgress': got string, want boolean",
    ],
    [
      'an unknown log level',
      { logLevel: 'verbose' },
      "at '/logLevel': value must be one of 'error', 'warn', 'info', 'debug'",
    ],
    [
      'a namespace name that is not a DNS label',
      { controller: { watchNamespaces: ['Team_A'] } },
      "at '/controller/watchNamespaces/0'",
    ],
    [
      'workers out of range',
      { controller: { workers: 0 } },
      "at '/controller/workers': minimum: got 0, want 1",
    ],
    [
      'an issuer without a name',
      { webhook: { certificates: { certManager: { issuerRef: { kind: 'ClusterIssuer' } } } } },
      "at '/webhook/certificates/certManager/issuerRef'",
    ],
    ['a digest that is not sha256', { image: { digest: 'latest' } }, "at '/image/digest'"],
    [
      'a certificate duration under an hour',
      { webhook: { certificates: { certManager: { duration: '59m' } } } },
      "at '/webhook/certificates/certManager/duration'",
    ],
    [
      'a certificate duration of a fraction of an hour',
      { webhook: { certificates: { certManager: { duration: '0.5h' } } } },
      "at '/webhook/certificates/certManager/duration'",
    ],
    [
      'a renewBefore that is not a duration',
      { webhook: { certificates: { certManager: { renewBefore: '30d' } } } },
      "at '/webhook/certificates/certManager/renewBefore'",
    ],
    [
      'a webhook timeout over 30s',
      { webhook: { timeoutSeconds: 31 } },
      "at '/webhook/timeoutSeconds': maximum: got 31, want 30",
    ],
  ])('rejects %s', async (_, values, message) => {
    const stderr = await renderRefusal({ values });
    expect(stderr).toContain("values don't meet the specifications of the schema");
    expect(stderr).toContain(message);
  });

  it('accepts every documented value set', async () => {
    await expect(
      renderChart({
        values: {
          webhook: {
            replicas: 3,
            certificates: {
              mode: 'certManager',
              certManager: {
                issuerRef: { name: 'ca', kind: 'ClusterIssuer' },
                duration: '1h30m',
                renewBefore: '90s5m',
              },
            },
            podDisruptionBudget: { minAvailable: '50%' },
          },
          controller: { replicas: 2, watchNamespaces: ['a'], leaderElection: { enabled: true } },
          gateway: {
            resolver: 'fd00::a',
            resources: { requests: { cpu: 0.5, memory: '' }, limits: { cpu: '1500m', memory: null } },
          },
          image: { digest: `sha256:${'0'.repeat(64)}` },
        },
      }),
    ).resolves.toEqual(expect.any(Array));
    await expect(
      renderChart({
        values: {
          webhook: {
            externalURL: 'https://127.0.0.1:9443',
            certificates: { mode: 'selfManaged', extraSANs: ['webhook.example.org'] },
          },
        },
      }),
    ).resolves.toEqual(expect.any(Array));
  });
});
