import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import type { ReconcileRequest } from '../controller/reconciler.ts';
import { enqueueForObject, enqueueForOwner, enqueueMapped, generationChanged } from './enqueue.ts';
import type { HandlerFactory } from './enqueue.ts';

function object(name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns', generation: 1, ...extra },
  };
}

function collect(factory: HandlerFactory<KubeObject>) {
  const requests: ReconcileRequest[] = [];
  return { requests, handler: factory((r) => requests.push(r)) };
}

const owner = (name: string, controller = true, apiVersion = 'gateway.example.com/v1') => ({
  apiVersion,
  kind: 'APIGatewayRoute',
  name,
  uid: `uid-${name}`,
  controller,
});

describe('event handlers', () => {
  it('enqueues the object itself on add, update and delete', () => {
    const { requests, handler } = collect(enqueueForObject());
    handler.onAdd?.(object('a'));
    handler.onDelete?.(object('a'));
    expect(requests).toEqual([
      { namespace: 'ns', name: 'a' },
      { namespace: 'ns', name: 'a' },
    ]);
  });

  it('skips updates a predicate rejects, such as status-only changes', () => {
    const { requests, handler } = collect(enqueueForObject(generationChanged));
    handler.onUpdate?.(object('a'), object('a', { resourceVersion: '2' }));
    expect(requests).toEqual([]);
    handler.onUpdate?.(object('a'), object('a', { generation: 2 }));
    expect(requests).toHaveLength(2);
  });

  it('enqueues the controlling owner of the matching kind in any version, for old and new owners', () => {
    const { requests, handler } = collect(
      enqueueForOwner({ group: 'gateway.example.com', kind: 'APIGatewayRoute' }),
    );
    handler.onAdd?.(object('child', { ownerReferences: [owner('r1'), owner('not-controller', false)] }));
    handler.onAdd?.(object('other', { ownerReferences: [owner('x', true, 'other.example.com/v1')] }));
    handler.onUpdate?.(
      object('child', { ownerReferences: [owner('r1', true, 'gateway.example.com/v1alpha1')] }),
      object('child', { ownerReferences: [owner('r2')] }),
    );
    expect(requests).toEqual([
      { namespace: 'ns', name: 'r1' },
      { namespace: 'ns', name: 'r1' },
      { namespace: 'ns', name: 'r2' },
    ]);
  });

  it('enqueues whatever a mapping function names', () => {
    const { requests, handler } = collect(
      enqueueMapped((o) =>
        o.metadata.labels?.gateway ? [{ namespace: 'ns', name: o.metadata.labels.gateway }] : [],
      ),
    );
    handler.onAdd?.(object('route', { labels: { gateway: 'gw-1' } }));
    handler.onAdd?.(object('unlabelled'));
    expect(requests).toEqual([{ namespace: 'ns', name: 'gw-1' }]);
  });
});
