import { describe, expect, it } from '@jest/globals';
import { configBytes, fitGatewayConfig } from './fit-gateway-config.ts';
import { renderGatewayConfig } from './render-gateway-config.ts';
import { FIXTURE_GATEWAY, FIXTURE_NAMESPACE, gatewayRoute } from './testing/gateway-fixtures.ts';

// Created a minute apart, listed newest first: the order of the input does not matter.
const routes = Array.from({ length: 10 }, (_, i) =>
  gatewayRoute(
    `route-${i}`,
    { path: `/service-${i}`, destinationService: `service-${i}`, destinationPort: 8080 },
    { creationTimestamp: `2025-01-01T00:${String(i).padStart(2, '0')}:00Z` },
  ),
).reverse();
const input = { namespace: FIXTURE_NAMESPACE, gateway: FIXTURE_GATEWAY, models: [], resolver: '10.96.0.10' };

describe('fitGatewayConfig', () => {
  it('serves every route when the configuration fits', () => {
    const fitted = fitGatewayConfig({ ...input, routes });
    expect(fitted.tooLarge).toEqual([]);
    expect(fitted.served).toHaveLength(10);
    expect(fitted.config).toEqual(renderGatewayConfig({ ...input, routes }));
  });

  it('serves the oldest routes that fit and leaves the newer out', () => {
    const oldestSix = [...routes].reverse().slice(0, 6);
    const budget = configBytes(renderGatewayConfig({ ...input, routes: oldestSix }));
    const fitted = fitGatewayConfig({ ...input, routes }, budget);
    expect(fitted.served.map((r) => r.metadata.name)).toEqual(oldestSix.map((r) => r.metadata.name));
    expect(fitted.tooLarge.map((r) => r.metadata.name)).toEqual(['route-6', 'route-7', 'route-8', 'route-9']);
    expect(configBytes(fitted.config)).toBeLessThanOrEqual(budget);
    expect(fitted.config).toEqual(renderGatewayConfig({ ...input, routes: oldestSix }));
  });

  it('finds the longest run that fits, for routes of uneven size and any budget', () => {
    const uneven = Array.from({ length: 30 }, (_, i) =>
      gatewayRoute(
        `r-${String(i).padStart(2, '0')}`,
        {
          path: `/${'segment/'.repeat(i % 7)}service-${i}`,
          destinationService: `service-${i % 4}`,
          destinationPort: 8080,
          ...(i % 5 === 0 ? { hosts: [`h${i}.example.com`], rateLimit: 5 } : {}),
        },
        { creationTimestamp: `2025-01-01T00:00:${String(i).padStart(2, '0')}Z` },
      ),
    );
    const sizes = Array.from({ length: 31 }, (_, n) =>
      configBytes(renderGatewayConfig({ ...input, routes: uneven.slice(0, n) })),
    );
    for (const budget of [
      sizes[0]! - 1,
      sizes[0]!,
      sizes[1]!,
      sizes[7]! + 1,
      sizes[15]!,
      sizes[29]!,
      sizes[30]! - 1,
    ]) {
      const longest = sizes.reduce((best, size, n) => (size <= budget ? n : best), 0);
      const fitted = fitGatewayConfig({ ...input, routes: [...uneven].reverse() }, budget);
      expect({ budget, served: fitted.served.length }).toEqual({ budget, served: longest });
      expect(fitted.served.map((r) => r.metadata.name)).toEqual(
        uneven.slice(0, longest).map((r) => r.metadata.name),
      );
    }
  });

  it('counts the configuration in UTF-8 bytes, file names included', () => {
    expect(configBytes({ config: 'é', files: { 'a.js': 'x' }, hash: '' })).toBe(
      'nginx.conf'.length + 2 + 4 + 1,
    );
  });
});
