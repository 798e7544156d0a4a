import { describe, expect, it } from '@jest/globals';
import { renderGatewayConfig } from './render-gateway-config.ts';
import { REFUSED_PATH_PATTERN } from './request-path-check.ts';
import { FIXTURE_GATEWAY, FIXTURE_NAMESPACE, gatewayRoute } from './testing/gateway-fixtures.ts';
import { parseNginxConfig, type ParsedDirective } from './testing/nginx-config-parser.ts';

// The map reads the pattern case-insensitively (`~*`); PCRE and JS agree on the constructs it uses, and
// bytes above 0x7F are latin1 characters here, as nginx's PCRE reads them without UTF mode.
const refused = new RegExp(REFUSED_PATH_PATTERN, 'i');

function child(parent: readonly ParsedDirective[], name: string): ParsedDirective {
  const found = parent.find((d) => d.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}

describe('the refused request paths', () => {
  it('refuses a path whose raw form could be read as another path than nginx matched', () => {
    const paths = [
      '/secure/..%2Fhello',
      '/secure/..%2fhello',
      '/hello/..;/secure',
      '/hello;jsessionid=1/x',
      '/a/..%3Bb',
      '/secure%3F/x',
      '/a/..%23',
      '/a/%2e%2e/b',
      '/a/%2E',
      '/a%5cb',
      '/a\\b',
      '/a/%252e%252e/b',
      '/a/%C0%AE',
      '/a/%c1%9c',
      '/a/%E0%80%AE',
      '/a/%F0%80%80%AE',
      '/a/%F8%80%80%80%AE',
      '/a/\xC0\xAE',
      '/a/\xE0\x80\xAE',
      '/a#/../b',
      '//a',
      '/a//b',
      '/a/./b',
      '/a/../b',
      '/a/.',
      '/a/..',
      '/a/..?x',
    ];
    for (const path of paths) expect({ path, refused: refused.test(path) }).toEqual({ path, refused: true });
  });

  it('passes ordinary paths, and looks at the path only, not the query', () => {
    const paths = [
      '/',
      '/hello',
      '/hello/a%20b',
      '/hello/caf%C3%A9/%E6%97%A5',
      '/a/%41%7E%40%3A%2B',
      '/a.b/c..d/.../.x/x.',
      "/a+b,c=d:e@f!$&'()*",
      '/a?next=/b/../c%2F;d#e//f',
      '/a/?x=%25',
    ];
    for (const path of paths) expect({ path, refused: refused.test(path) }).toEqual({ path, refused: false });
  });

  it('is checked at server level before any location, and answered in JSON', () => {
    const { config } = renderGatewayConfig({
      namespace: FIXTURE_NAMESPACE,
      gateway: FIXTURE_GATEWAY,
      routes: [gatewayRoute('r', { path: '/r', destinationService: 'svc', destinationPort: 80 })],
      models: [],
      resolver: '10.96.0.10',
    });
    const http = child(parseNginxConfig(config), 'http').children ?? [];
    const map = http.find((d) => d.name === 'map' && d.args[0]?.value === '$request_uri');
    expect(map?.args[1]?.value).toBe('$gw_refused_path');
    expect(map?.children?.map((d) => [d.name, d.args[0]?.value])).toEqual([
      [`~*${REFUSED_PATH_PATTERN}`, '1'],
      ['default', ''],
    ]);
    const server = child(http, 'server').children ?? [];
    expect(server.map((d) => d.name).slice(0, 3)).toEqual(['listen', 'if', 'location']);
    const check = child(server, 'if');
    expect(check.args.map((a) => a.value)).toEqual(['($gw_refused_path)']);
    const answer = child(check.children ?? [], 'return');
    expect(answer.args[0]?.value).toBe('400');
    expect(JSON.parse(answer.args[1]?.value ?? '')).toMatchObject({ error: 'BadRequest' });
    expect(child(http, 'default_type').args[0]?.value).toBe('application/json');
  });
});
