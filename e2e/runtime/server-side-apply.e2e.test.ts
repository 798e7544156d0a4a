// Server-side apply against a real API server: the first apply creates, steady state sends no writes at
// all (counted both at the client and in the API server's own apiserver_request_total), and drift or a
// changed desired state — including a field we stop setting — is applied again.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { CONFIG_MAPS } from '../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { ServerSideApplier } from '../../controller/runtime/apply/server-side-applier.ts';
import { Informer } from '../../controller/runtime/cache/informer.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { e2eCluster, sumSamples, waitFor } from '../setup/cluster-env.ts';
import { CountingAPI } from './support/counting-api.ts';
import { clusterAPI, configMap, createNamespace, deleteNamespace } from './support/cluster-api.ts';

// Each test waits on a real API server (and on lease expiry); jest's 5 s default is too short.
const TEST_TIMEOUT_MS = 60_000;

const FIELD_MANAGER = 'e2e-controller-runtime';
const HASH_ANNOTATION = 'example.com/applied-hash';
const MANAGED = { 'app.kubernetes.io/managed-by': FIELD_MANAGER };
const direct = clusterAPI();
const stop = new AbortController();
let namespace = '';

beforeAll(async () => {
  namespace = await createNamespace(direct, 'crt-ssa');
});

afterAll(async () => {
  stop.abort();
  await deleteNamespace(direct, namespace);
});

async function configMapApplies(): Promise<number> {
  return sumSamples(await e2eCluster().apiServerMetrics(), 'apiserver_request_total', {
    verb: 'APPLY',
    resource: 'configmaps',
  });
}

describe('server-side apply on a real API server', () => {
  test(
    'creates, then issues zero writes in steady state, then repairs drift and follows changes',
    async () => {
      const counting = new CountingAPI(clusterAPI());
      const applier = new ServerSideApplier({
        api: counting.api,
        fieldManager: FIELD_MANAGER,
        hashAnnotation: HASH_ANNOTATION,
      });
      const informer = new Informer({
        api: counting.api,
        resource: CONFIG_MAPS,
        selector: { namespace, labelSelector: 'app.kubernetes.io/managed-by' },
        clock: systemClock,
        logger: silentLogger,
      });
      void informer.start(stop.signal);
      expect(await informer.waitForSync(stop.signal)).toBe(true);

      const ref = { namespace, name: 'routes' };
      const desired = (data: Record<string, string>, labels: Record<string, string> = {}): KubeObject =>
        configMap(namespace, 'routes', { ...MANAGED, ...labels }, data);
      const cachedAt = (rv: string) =>
        waitFor(() => informer.store.get(ref)?.metadata.resourceVersion === rv, {
          description: `cache at resourceVersion ${rv}`,
          timeoutMs: 10_000,
        });

      const appliesBefore = await configMapApplies();
      const created = await applier.apply(
        CONFIG_MAPS,
        desired({ 'routes.yaml': 'a' }, { tier: 'edge' }),
        informer.store.get(ref),
      );
      expect(created.applied).toBe(true);
      await cachedAt(created.object.metadata.resourceVersion ?? '');
      expect(await configMapApplies()).toBe(appliesBefore + 1);
      const live = await direct.get(CONFIG_MAPS, ref);
      expect(live.metadata.managedFields).toEqual([
        expect.objectContaining({ manager: FIELD_MANAGER, operation: 'Apply' }),
      ]);

      const writesBefore = counting.writes;
      for (let i = 0; i < 25; i++) {
        const outcome = await applier.apply(
          CONFIG_MAPS,
          desired({ 'routes.yaml': 'a' }, { tier: 'edge' }),
          informer.store.get(ref),
        );
        expect(outcome.applied).toBe(false);
      }
      expect(counting.writes).toBe(writesBefore);
      expect(await configMapApplies()).toBe(appliesBefore + 1);
      expect((await direct.get(CONFIG_MAPS, ref)).metadata.resourceVersion).toBe(
        created.object.metadata.resourceVersion,
      );

      const drifted = await direct.patch(CONFIG_MAPS, ref, 'merge', {
        data: { 'routes.yaml': 'edited by hand' },
      });
      await cachedAt(drifted.metadata.resourceVersion ?? '');
      const repaired = await applier.apply(
        CONFIG_MAPS,
        desired({ 'routes.yaml': 'a' }, { tier: 'edge' }),
        informer.store.get(ref),
      );
      expect(repaired.applied).toBe(true);
      expect(repaired.object.data).toEqual({ 'routes.yaml': 'a' });

      await cachedAt(repaired.object.metadata.resourceVersion ?? '');
      const withoutTier = await applier.apply(
        CONFIG_MAPS,
        desired({ 'routes.yaml': 'a' }),
        informer.store.get(ref),
      );
      expect(withoutTier.applied).toBe(true);
      expect(withoutTier.object.metadata.labels).toEqual(MANAGED);
    },
    TEST_TIMEOUT_MS,
  );
});
