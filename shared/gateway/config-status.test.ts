import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { configHashInAnswer, configHashInText, withConfigHash } from './config-status.ts';
import { renderGatewayConfig } from './render-gateway-config.ts';
import { FIXTURE_GATEWAY, FIXTURE_NAMESPACE, gatewayRoute } from './testing/gateway-fixtures.ts';

const render = (
  routes = [gatewayRoute('orders', { path: '/orders', destinationService: 'orders', destinationPort: 8080 })],
) =>
  renderGatewayConfig({
    namespace: FIXTURE_NAMESPACE,
    gateway: FIXTURE_GATEWAY,
    routes,
    models: [],
    resolver: '10.96.0.10',
  });

describe('the configuration status location', () => {
  it('answers, from loopback only, the hash of the configuration it is part of', () => {
    const { config, hash } = render();
    expect(configHashInText(config)).toBe(hash);
    expect(config).toMatch(
      /location = "\/\.gateway\/config" \{\n\s+access_log off;\n\s+allow 127\.0\.0\.1;\n\s+allow ::1;\n\s+deny all;\n\s+return 200 '\{"configHash":"[0-9a-f]{64}"\}';/,
    );
  });

  it('holds a hash of the text with zeros in its place, so anyone can check it', () => {
    const { config, files, hash } = render();
    expect(files).toEqual({});
    const zeroed = config.replace(hash, '0'.repeat(64));
    expect(createHash('sha256').update(zeroed).digest('hex')).toBe(hash);
  });

  it('cannot be imitated by a value of a route', () => {
    const fake = 'f'.repeat(64);
    const { config, hash } = render([
      gatewayRoute('spoof', {
        path: '/spoof',
        destinationService: 'spoof',
        destinationPort: 8080,
        headers: [{ name: 'x-fake', value: `return 200 '{"configHash":"${fake}"}';` }],
      }),
    ]);
    expect(configHashInText(config)).toBe(hash);
    expect(config.split('"configHash"').length).toBe(2);
  });

  it('is required where a hash is written in', () => {
    expect(() => withConfigHash('events {}\n', 'a'.repeat(64))).toThrow('no configuration status location');
  });

  it('reads the hash from an answer and nothing else', () => {
    const hash = 'a'.repeat(64);
    expect(configHashInAnswer(JSON.stringify({ configHash: hash }))).toBe(hash);
    expect(configHashInAnswer('<html>403</html>')).toBeUndefined();
    expect(configHashInAnswer(JSON.stringify({ configHash: 'short' }))).toBeUndefined();
  });
});
