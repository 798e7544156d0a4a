// nginx resolves backend names once its workers run and answers 502 until it has their addresses, so the
// test harness hands a gateway over only then: the first request after a start, or after a reload that
// brings a new backend name, is served. Without that wait about one start in three answered it 502.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend, type EchoBackend } from '../../test/nginx/echo-backend.ts';
import { serviceDNSName, startGatewayUnderTest } from '../../test/nginx/gateway-under-test.ts';

const ATTEMPTS = 8;

let backend: EchoBackend;

beforeAll(async () => {
  backend = await startEchoBackend('first');
});

afterAll(async () => {
  await backend?.close();
});

const route = (name: string) =>
  gatewayRoute(name, { path: `/${name}`, destinationService: name, destinationPort: backend.port });

describe('the first request to a gateway', () => {
  it('is served right after nginx starts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ATTEMPTS; i++) {
      const gateway = await startGatewayUnderTest({
        dnsNames: [serviceDNSName('one')],
        routes: [route('one')],
      });
      try {
        statuses.push((await gateway.request('/one')).status);
      } finally {
        await gateway.stop();
      }
    }
    expect(statuses).toEqual(Array.from({ length: ATTEMPTS }, () => 200));
  }, 60_000);

  it('to a new backend is served right after a reload', async () => {
    const names = Array.from({ length: ATTEMPTS }, (_, i) => `new-${i}`);
    const gateway = await startGatewayUnderTest({
      dnsNames: [serviceDNSName('one'), ...names.map((name) => serviceDNSName(name))],
      routes: [route('one')],
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < ATTEMPTS; i++) {
        await gateway.reconfigure([route('one'), ...names.slice(0, i + 1).map(route)]);
        statuses.push((await gateway.request(`/${names[i]}`)).status);
      }
      expect(statuses).toEqual(Array.from({ length: ATTEMPTS }, () => 200));
    } finally {
      await gateway.stop();
    }
  }, 60_000);
});
