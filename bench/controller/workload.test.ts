import { describe, expect, it } from '@jest/globals';
import { BenchOptionsError, parseBenchOptions } from './bench-options.ts';
import { floorChildren, workload } from './workload.ts';

describe('controller benchmark workload', () => {
  it('spreads routes over gateways and gives every model an image', () => {
    const load = workload('bench', 5, 2);
    expect(load.models.map((m) => m.spec.image)).toEqual(Array(5).fill('registry.example/model-server:1'));
    expect(load.routes.map((r) => r.spec.gateway)).toEqual(['gw-0', 'gw-0', 'gw-1', 'gw-1', 'gw-2']);
  });

  it('gives the floor the children the controller would make, without owners', () => {
    const children = floorChildren('bench', workload('bench', 5, 2));
    expect(children).toHaveLength(3 * 5 + 3 * 3);
    expect(children.every((c) => c.metadata.ownerReferences === undefined)).toBe(true);
    expect(children.filter((c) => c.kind === 'Deployment').map((d) => d.metadata.name)).toEqual([
      'aim-model-0',
      'aim-model-1',
      'aim-model-2',
      'aim-model-3',
      'aim-model-4',
      'agw-gw-0',
      'agw-gw-1',
      'agw-gw-2',
    ]);
  });

  it('reads its flags and refuses nonsense', () => {
    expect(parseBenchOptions(['--count', '1000', '--cached-objects=0'])).toMatchObject({
      count: 1000,
      routesPerGateway: 50,
      cachedObjects: 0,
      steadySeconds: 30,
      baseline: false,
    });
    expect(parseBenchOptions(['--baseline']).baseline).toBe(true);
    expect(() => parseBenchOptions(['--count', '0'])).toThrow(BenchOptionsError);
    expect(() => parseBenchOptions(['--count', '0'])).toThrow(
      '--count: Invalid value: "0": must be an integer >= 1',
    );
  });
});
