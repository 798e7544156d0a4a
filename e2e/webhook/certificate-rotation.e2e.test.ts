// A stream of writes and converting reads while the webhook renews its serving certificate several times
// and rotates its CA: the API server must never meet a certificate it does not trust.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { HTTPKubeAPI } from '../../shared/kube/http/http-kube-api.ts';
import { loadKubeConfig } from '../../shared/kube/config.ts';
import { customResource } from '../../shared/kube/resource.ts';
import { AI_MODEL, API_GATEWAY_ROUTE } from '../../shared/api/kinds.ts';
import { e2eKubeconfig, kubectl, waitFor } from '../setup/cluster-env.ts';
import { startWebhookUnderTest } from './support/webhook-under-test.ts';
import type { WebhookUnderTest } from './support/webhook-under-test.ts';

// Starting the webhook and waiting for the API server to trust it takes seconds, not milliseconds.
jest.setTimeout(180_000);

const suffix = randomBytes(3).toString('hex');
const namespace = `e2e-rotation-${suffix}`;
const STREAM_MS = 55_000;
let webhook: WebhookUnderTest | undefined;

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  webhook = await startWebhookUnderTest({
    namespace,
    configurationPrefix: `e2e-rotation-${suffix}`,
    // Lifetimes in seconds: serving certificates renewed every ~6s, the CA announced at ~20s, signing at ~24s.
    extraArgs: [
      '--ca-validity=40s',
      '--cert-validity=12s',
      '--renew-fraction=0.5',
      '--ca-announce-lead=4s',
      '--cert-check-interval=1s',
    ],
  });
});

afterAll(async () => {
  await webhook?.stop();
  await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
});

describe('certificate rotation under load', () => {
  it('loses no request while serving certificates and the CA are replaced', async () => {
    const api = HTTPKubeAPI.fromKubeConfig(loadKubeConfig(e2eKubeconfig()), { requestTimeoutMs: 15_000 });
    const models = customResource(AI_MODEL, 'v1');
    const legacyRoutes = customResource(API_GATEWAY_ROUTE, 'v1alpha1');
    const routes = customResource(API_GATEWAY_ROUTE, 'v1');
    // The API server picks the injected bundle up asynchronously, and listing an empty namespace calls no
    // webhook: the stream starts once a dry-run create of a v1alpha1 route (admitted, then converted to
    // the stored v1) goes through.
    await waitFor(
      async () => {
        await api.create(
          legacyRoutes,
          {
            apiVersion: 'gateway.example.com/v1alpha1',
            kind: 'APIGatewayRoute',
            metadata: { name: 'probe', namespace },
            spec: { path: '/probe', targetService: 'probe:8080', authentication: false },
          },
          { dryRun: true },
        );
        return true;
      },
      { description: 'the API server to call the webhook', timeoutMs: 60_000, intervalMs: 500 },
    );

    const failures: string[] = [];
    let requests = 0;
    const deadline = Date.now() + STREAM_MS;
    const worker = async (w: number) => {
      for (let i = 0; Date.now() < deadline; i++) {
        const name = `w${w}-${i}`;
        try {
          requests++;
          await api.create(models, {
            apiVersion: 'ai.example.com/v1',
            kind: 'AIModel',
            metadata: { name, namespace },
            spec: {
              modelName: name,
              modelProvider: 'Custom',
              modelType: 'LLM',
              image: 'registry.example.com/m:1',
            },
          });
          requests++;
          await api.create(routes, {
            apiVersion: 'gateway.example.com/v1',
            kind: 'APIGatewayRoute',
            metadata: { name, namespace },
            spec: { path: `/${name}`, method: 'GET', aiModelRef: { name } },
          });
          requests++;
          await api.list(legacyRoutes, { namespace, limit: 20 });
        } catch (err) {
          failures.push(`${name}: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(worker));

    const written = (webhook?.logLines() ?? []).filter((l) => l.message === 'certificate Secret written');
    const changes = written.flatMap((l) => l.changes as string[]);
    const loaded = (webhook?.logLines() ?? []).filter((l) => l.message === 'serving certificate loaded');
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(100);
    expect(changes).toContain('CA due for renewal; announced the next CA');
    expect(changes).toContain('promoted the next CA to signing');
    expect(loaded.length).toBeGreaterThanOrEqual(5);
  }, 180_000);
});
