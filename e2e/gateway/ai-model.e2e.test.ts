// Routes to an AIModel served outside the cluster: nginx speaks HTTPS to the model's endpoint, verifying
// its certificate against the configured CA with the endpoint's host as SNI and Host, and puts the part
// of the request path below the route's path under the endpoint's path, which reaches the model encoded
// as the endpoint spells it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aiModel, gatewayRoute } from '../../shared/gateway/testing/gateway-fixtures.ts';
import { createCertificateAuthority, createServerCertificate } from '../../shared/tls/certificates.ts';
import { startEchoBackend, type EchoBackend, type EchoedRequest } from '../../test/nginx/echo-backend.ts';
import {
  createNginxWorkspace,
  removeNginxWorkspace,
  type NginxWorkspace,
} from '../../test/nginx/nginx-process.ts';
import { startGatewayUnderTest, type GatewayUnderTest } from '../../test/nginx/gateway-under-test.ts';

const MODEL_HOST = 'llm.example.test';
const HOUR_MS = 3_600_000;

let gateway: GatewayUnderTest;
let trusted: EchoBackend;
let untrusted: EchoBackend;
let plain: EchoBackend;
let caDirectory: NginxWorkspace;

beforeAll(async () => {
  const ca = createCertificateAuthority({ commonName: 'model provider CA', validForMs: HOUR_MS });
  const otherCA = createCertificateAuthority({ commonName: 'unknown CA', validForMs: HOUR_MS });
  const certificate = (issuer: typeof ca) => {
    const pair = createServerCertificate(issuer, {
      commonName: MODEL_HOST,
      dnsNames: [MODEL_HOST],
      validForMs: HOUR_MS,
    });
    return { key: pair.keyPEM, cert: pair.certPEM };
  };
  trusted = await startEchoBackend('trusted', { tls: certificate(ca) });
  untrusted = await startEchoBackend('untrusted', { tls: certificate(otherCA) });
  plain = await startEchoBackend('plain');
  caDirectory = await createNginxWorkspace();
  const caFile = join(caDirectory.directory, 'ca.pem');
  await writeFile(caFile, ca.certPEM);
  gateway = await startGatewayUnderTest({
    dnsNames: [MODEL_HOST],
    models: [
      aiModel('hosted', { endpoint: `https://${MODEL_HOST}:${trusted.port}/v1` }),
      aiModel('impostor', { endpoint: `https://${MODEL_HOST}:${untrusted.port}/v1` }),
      aiModel('plain', { endpoint: `http://${MODEL_HOST}:${plain.port}` }),
      aiModel('spaced', { endpoint: `http://${MODEL_HOST}:${plain.port}/my%20models/` }),
      aiModel('accented', { endpoint: `http://${MODEL_HOST}:${plain.port}/modèles` }),
      aiModel('escaped', { endpoint: `http://${MODEL_HOST}:${plain.port}/100%25/a%23b` }),
    ],
    routes: [
      gatewayRoute('chat', { path: '/ai/chat', method: 'POST', aiModelRef: { name: 'hosted' } }),
      gatewayRoute('embed', { path: '/ai/embed', pathMatch: 'Exact', aiModelRef: { name: 'hosted' } }),
      gatewayRoute('impostor', { path: '/ai/impostor', aiModelRef: { name: 'impostor' } }),
      gatewayRoute('plain', { path: '/ai/plain', aiModelRef: { name: 'plain' } }),
      gatewayRoute('spaced', { path: '/ai/spaced', aiModelRef: { name: 'spaced' } }),
      gatewayRoute('accented', { path: '/ai/accented', aiModelRef: { name: 'accented' } }),
      gatewayRoute('escaped', { path: '/ai/escaped', aiModelRef: { name: 'escaped' } }),
    ],
    render: { trustedCertificatesFile: caFile },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  for (const backend of [trusted, untrusted, plain]) await backend?.close();
  if (caDirectory) await removeNginxWorkspace(caDirectory);
});

async function echoed(path: string, method = 'POST'): Promise<EchoedRequest> {
  const answer = await gateway.request(path, {
    method,
    body: '{"prompt":"hi"}',
    headers: { 'content-type': 'application/json' },
  });
  expect(answer.status).toBe(200);
  return JSON.parse(answer.body) as EchoedRequest;
}

describe('AIModel endpoints through nginx', () => {
  it('proxies over HTTPS with the endpoint host as SNI and Host, under the endpoint path', async () => {
    const request = await echoed('/ai/chat/completions?stream=true');
    expect(request).toMatchObject({
      backend: 'trusted',
      method: 'POST',
      url: '/v1/completions?stream=true',
      serverName: MODEL_HOST,
    });
    expect(request.headers.host).toBe(`${MODEL_HOST}:${trusted.port}`);
    expect((await echoed('/ai/chat')).url).toBe('/v1');
  });

  it('sends an exact route to the endpoint path itself', async () => {
    expect((await echoed('/ai/embed?model=small', 'GET')).url).toBe('/v1?model=small');
  });

  it('keeps TLS connections to an endpoint for the next requests, across its routes', async () => {
    const ports = new Set<number>();
    for (let i = 0; i < 6; i++)
      ports.add((await echoed(i % 2 === 0 ? '/ai/chat' : '/ai/embed', 'POST')).remotePort);
    // Each worker keeps its own idle connections: at most one handshake per worker.
    expect(ports.size).toBeLessThanOrEqual(gateway.nginx.workerPIDs().length);
  });

  it('refuses an endpoint whose certificate the configured CA did not sign', async () => {
    const answer = await gateway.request('/ai/impostor/x');
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'BadGateway' });
    expect(untrusted.requests).toHaveLength(0);
  });

  it('sends the endpoint path encoded once, as the endpoint spells it', async () => {
    expect((await echoed('/ai/spaced/chat')).url).toBe('/my%20models/chat');
    expect((await echoed('/ai/spaced')).url).toBe('/my%20models');
    expect((await echoed('/ai/accented/chat?x=%2F')).url).toBe('/mod%C3%A8les/chat?x=%2F');
    expect((await echoed('/ai/escaped/chat')).url).toBe('/100%25/a%23b/chat');
  });

  it('speaks plain HTTP to an http endpoint, passing the request path when the endpoint has none', async () => {
    const request = await echoed('/ai/plain/generate');
    expect(request).toMatchObject({ backend: 'plain', url: '/ai/plain/generate' });
    expect(request.headers.host).toBe(`${MODEL_HOST}:${plain.port}`);
  });
});
