import { describe, expect, it } from '@jest/globals';
import { FakeKubeAPI } from '../../shared/kube/testing/fake-kube-api.ts';
import { SERVICES } from '../../shared/kube/well-known-resources.ts';
import { silentLogger } from '../../shared/logging/logger.ts';
import { FakeClock } from '../../shared/time/testing/fake-clock.ts';
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import { sharedDomain } from '../domain/shared-domain.ts';
import type { ObjectReference } from '../domain/webhook-domain.ts';
import { kubeObjectExists } from './kube-object-exists.ts';
import { createCachedReferenceChecker, missingReferenceWarning } from './reference-checker.ts';

const svc = (name: string): ObjectReference => ({
  kind: 'Service',
  namespace: 'shop',
  name,
  field: 'spec.destinationService',
});

describe('cached reference checker', () => {
  it('warns only about objects that do not exist, asking the API once per object while cached', async () => {
    const api = new FakeKubeAPI();
    api.seed(SERVICES, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'shop', name: 'orders' },
    });
    const clock = new FakeClock(0);
    const checker = createCachedReferenceChecker({
      exists: kubeObjectExists(api),
      kinds: ['Service', 'ConfigMap', 'AIModel'],
      logger: silentLogger,
      ttlMs: 1000,
      timeoutMs: 1000,
      clock,
    });
    expect(await checker.check([svc('orders'), svc('billing')])).toEqual([
      'spec.destinationService: Service "billing" not found in namespace "shop"; the object is accepted and will be used once it exists',
    ]);
    await checker.check([svc('orders'), svc('billing')]);
    expect(api.calls.filter((c) => c.verb === 'get')).toHaveLength(2);
    await clock.advance(1001);
    api.seed(SERVICES, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'shop', name: 'billing' },
    });
    expect(await checker.check([svc('billing')])).toEqual([]);
    expect(api.calls.filter((c) => c.verb === 'get')).toHaveLength(3);
  });

  it('looks nothing up in another namespace, so its warnings never tell what exists there', async () => {
    const api = new FakeKubeAPI();
    const checker = createCachedReferenceChecker({
      exists: kubeObjectExists(api),
      kinds: ['Service', 'ConfigMap', 'AIModel'],
      logger: silentLogger,
      ttlMs: 0,
      timeoutMs: 1000,
    });
    const routes: KubeObject[] = [
      {
        apiVersion: 'gateway.example.com/v1',
        kind: 'APIGatewayRoute',
        metadata: { name: 'r', namespace: 'shop' },
        spec: { path: '/', method: 'GET', destinationService: 'billing.other-ns', destinationPort: 80 },
      },
      {
        apiVersion: 'gateway.example.com/v1alpha1',
        kind: 'APIGatewayRoute',
        metadata: { name: 'r', namespace: 'shop' },
        spec: { path: '/', targetService: 'billing.other-ns.svc.cluster.local:80' },
      },
    ];
    for (const route of routes) {
      expect(await checker.check(sharedDomain.referencedObjects(route))).toEqual([]);
    }
    expect(api.calls).toEqual([]);
  });

  it('looks up only the kinds it is given: no Secret unless asked', async () => {
    const api = new FakeKubeAPI();
    const secret: ObjectReference = { ...svc('keys'), kind: 'Secret', field: 'spec.apiKeySecretRef.name' };
    const options = { exists: kubeObjectExists(api), logger: silentLogger, ttlMs: 0, timeoutMs: 1000 };
    const withoutSecrets = createCachedReferenceChecker({ ...options, kinds: ['Service'] });
    expect(await withoutSecrets.check([secret, svc('orders')])).toEqual([
      missingReferenceWarning(svc('orders')),
    ]);
    expect(api.calls.map((c) => c.resource)).toEqual(['services']);
    const withSecrets = createCachedReferenceChecker({ ...options, kinds: ['Service', 'Secret'] });
    expect(await withSecrets.check([secret])).toEqual([missingReferenceWarning(secret)]);
    expect(api.calls.map((c) => c.resource)).toEqual(['services', 'secrets']);
  });

  it('says nothing when the API server cannot tell', async () => {
    const api = new FakeKubeAPI();
    api.failNext('get', FakeKubeAPI.apiError('GET', 403, 'Forbidden'));
    const checker = createCachedReferenceChecker({
      exists: kubeObjectExists(api),
      kinds: ['Service', 'ConfigMap', 'AIModel'],
      logger: silentLogger,
      ttlMs: 0,
      timeoutMs: 1000,
    });
    expect(await checker.check([svc('orders')])).toEqual([]);
  });

  it('gives up on a lookup that takes too long', async () => {
    const checker = createCachedReferenceChecker({
      exists: () => new Promise(() => undefined),
      kinds: ['Service'],
      logger: silentLogger,
      ttlMs: 0,
      timeoutMs: 50,
    });
    const started = Date.now();
    expect(await checker.check([svc('orders')])).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('times a lookup out on its clock, and leaves no timer once a lookup answers', async () => {
    const clock = new FakeClock(0);
    let answer: ((exists: boolean) => void) | undefined;
    const checker = createCachedReferenceChecker({
      exists: (_kind, _namespace, name) =>
        name === 'slow' ? new Promise(() => undefined) : new Promise((resolve) => (answer = resolve)),
      kinds: ['Service'],
      logger: silentLogger,
      ttlMs: 0,
      timeoutMs: 50,
      clock,
    });
    let settled = false;
    const slow = checker.check([svc('slow')]).then((warnings) => {
      settled = true;
      return warnings;
    });
    await clock.advance(49);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect(await slow).toEqual([]);
    const quick = checker.check([svc('billing')]);
    await clock.advance(0);
    answer?.(false);
    expect(await quick).toEqual([missingReferenceWarning(svc('billing'))]);
    expect(clock.pendingTimers).toBe(0);
  });
});
