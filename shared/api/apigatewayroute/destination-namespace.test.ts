import { describe, expect, it } from '@jest/globals';
import { destinationTarget, otherNamespaceTarget } from './destination-namespace.ts';

describe('destinationTarget', () => {
  it('reads the Service and namespace of every in-cluster spelling', () => {
    const cases: [string, ReturnType<typeof destinationTarget>][] = [
      ['users', { namespace: 'team', service: 'users' }],
      ['users.shop', { namespace: 'shop', service: 'users' }],
      ['users.shop.svc', { namespace: 'shop', service: 'users' }],
      ['users.shop.svc.cluster.local', { namespace: 'shop', service: 'users' }],
      ['users.shop.svc.k8s.internal', { namespace: 'shop', service: 'users' }],
      ['Users.Shop.SVC.cluster.local', { namespace: 'shop', service: 'users' }],
      ['web-0.users.shop.svc.cluster.local', { namespace: 'shop', service: 'users' }],
      ['10-0-0-7.shop.pod.cluster.local', { namespace: 'shop' }],
      ['10-0-0-7.shop.pod', { namespace: 'shop' }],
    ];
    for (const [destination, target] of cases) {
      expect({ destination, target: destinationTarget(destination, 'team') }).toEqual({
        destination,
        target,
      });
    }
  });

  it('leaves names outside the cluster alone', () => {
    for (const destination of ['api.example.com', 'svc.example.com', 'a.b.c.d.example.org']) {
      expect(destinationTarget(destination, 'team')).toBeUndefined();
    }
  });

  it('reads an external name spelled like a Service as in the cluster, the safe reading', () => {
    expect(destinationTarget('api.eu.svc.example.com', 'team')).toEqual({ namespace: 'eu', service: 'api' });
  });
});

describe('otherNamespaceTarget', () => {
  it('is only set for another namespace', () => {
    expect(otherNamespaceTarget('users', 'team')).toBeUndefined();
    expect(otherNamespaceTarget('users.team.svc.cluster.local', 'team')).toBeUndefined();
    expect(otherNamespaceTarget('api.example.com', 'team')).toBeUndefined();
    expect(otherNamespaceTarget('users.shop', 'team')).toEqual({ namespace: 'shop', service: 'users' });
  });
});
