import { describe, expect, it } from '@jest/globals';
import { curlCommand, describeAnswer, gatewayRequests } from './gateway-requests.ts';

describe('gateway requests', () => {
  it('asks for 200, 401 without the key, 200 with it, 200 on the v1alpha1 route and 404', () => {
    expect(gatewayRequests('k').map((r) => [r.path, r.headers?.Authorization, r.expectedStatus])).toEqual([
      ['/hello/world', undefined, 200],
      ['/secure/data', undefined, 401],
      ['/secure/data', 'Bearer k', 200],
      ['/legacy', undefined, 200],
      ['/nowhere', undefined, 404],
    ]);
  });

  it('prints each request as the curl command that repeats it', () => {
    expect(curlCommand(8080, { path: '/a', headers: { 'X-API-Key': 'k' }, expectedStatus: 200 })).toBe(
      "curl -i -H 'X-API-Key: k' http://127.0.0.1:8080/a",
    );
  });

  it('says whether a backend or the gateway answered, and whether the key reached the backend', () => {
    const echoed = (headers: Record<string, string>) =>
      JSON.stringify({ service: 'echo', method: 'GET', url: '/a?b=1', headers });
    expect(describeAnswer({ status: 200, headers: {}, body: echoed({ host: 'x' }) })).toBe(
      'HTTP 200, answered by Service echo: GET /a?b=1',
    );
    expect(describeAnswer({ status: 200, headers: {}, body: echoed({ authorization: 'Bearer k' }) })).toBe(
      'HTTP 200, answered by Service echo: GET /a?b=1, with the API key',
    );
    expect(describeAnswer({ status: 404, headers: {}, body: '{"error":"NotFound"}\n' })).toBe(
      'HTTP 404 from the gateway: {"error":"NotFound"}',
    );
    expect(describeAnswer({ status: 502, headers: {}, body: '<html>bad gateway</html>' })).toBe(
      'HTTP 502 from the gateway: <html>bad gateway</html>',
    );
  });
});
