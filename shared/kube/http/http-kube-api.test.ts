import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCertificateAuthority, createServerCertificate } from '../../tls/certificates.ts';
import type { ClusterAccess } from '../config/cluster-access.ts';
import { APIConnectionError, APIDecodeError, APIError, isGone } from '../api-error.ts';
import type { WatchEvent } from '../kube-api.ts';
import { CONFIG_MAPS, DEPLOYMENTS } from '../well-known-resources.ts';
import { HTTPKubeAPI } from './http-kube-api.ts';

interface Seen {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (seen: Seen, res: ServerResponse) => void;

const TOKEN = 'test-token';
let server: https.Server;
let caPEM: string;
let otherCAPEM: string;
let port: number;
let handler: Handler = (_seen, res) => res.end();
const seen: Seen[] = [];

function kubeConfigFor(serverURL: string): ClusterAccess {
  return {
    source: 'test',
    cluster: { server: serverURL, caData: Buffer.from(caPEM), insecureSkipTLSVerify: false },
    user: { name: 'test', token: TOKEN },
  };
}

function api(): HTTPKubeAPI {
  return HTTPKubeAPI.fromKubeConfig(kubeConfigFor(`https://127.0.0.1:${port}`), { requestTimeoutMs: 2000 });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  const ca = createCertificateAuthority({ commonName: 'test-ca', validForMs: 3_600_000 });
  const cert = createServerCertificate(ca, {
    commonName: 'apiserver',
    validForMs: 3_600_000,
    ipAddresses: ['127.0.0.1'],
  });
  caPEM = ca.certPEM;
  otherCAPEM = createCertificateAuthority({ commonName: 'other-ca', validForMs: 3_600_000 }).certPEM;
  server = https.createServer({ key: cert.keyPEM, cert: cert.certPEM }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'https://x'),
        headers: req.headers,
        body,
      };
      seen.push(entry);
      handler(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function lastSeen(): Seen {
  const entry = seen.at(-1);
  if (!entry) throw new Error('no request seen');
  return entry;
}

describe('HTTPKubeAPI', () => {
  it("uses a CA rotated in the kubeconfig's CA file from the next request on", async () => {
    handler = (_s, res) => json(res, 200, { kind: 'ConfigMapList', metadata: {}, items: [] });
    const dir = mkdtempSync(join(tmpdir(), 'kube-ca-'));
    try {
      const caFile = join(dir, 'ca.crt');
      writeFileSync(caFile, otherCAPEM);
      const client = HTTPKubeAPI.fromKubeConfig(
        {
          source: 'test',
          cluster: { server: `https://127.0.0.1:${port}`, caFile, insecureSkipTLSVerify: false },
          user: { name: 'test', token: TOKEN },
        },
        { requestTimeoutMs: 2000 },
      );
      await expect(client.list(CONFIG_MAPS, {})).rejects.toThrow(APIConnectionError);
      writeFileSync(caFile, caPEM);
      await expect(client.list(CONFIG_MAPS, {})).resolves.toMatchObject({ items: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists one page with selectors and pagination, filling in apiVersion and kind of items', async () => {
    handler = (_s, res) =>
      json(res, 200, {
        kind: 'ConfigMapList',
        metadata: { resourceVersion: '123', continue: 'next-page' },
        items: [{ metadata: { name: 'a', namespace: 'ns' } }],
      });
    const page = await api().list(CONFIG_MAPS, {
      namespace: 'ns',
      labelSelector: 'app=x',
      limit: 2,
      continueToken: 'c1',
    });
    expect(page).toEqual({
      items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } }],
      resourceVersion: '123',
      continueToken: 'next-page',
    });
    const req = lastSeen();
    expect(req.url.pathname).toBe('/api/v1/namespaces/ns/configmaps');
    expect(Object.fromEntries(req.url.searchParams)).toEqual({
      labelSelector: 'app=x',
      limit: '2',
      continue: 'c1',
    });
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('streams watch events split across chunks and sends the watch parameters', async () => {
    handler = (_s, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(
        '{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"5"}}}\n{"type":"BOOK',
      );
      setTimeout(() => {
        res.write(
          'MARK","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"resourceVersion":"9"}}}\n',
        );
        res.end(
          '{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}\n',
        );
      }, 20);
    };
    const events: WatchEvent[] = [];
    const stream = api().watch(CONFIG_MAPS, {
      resourceVersion: '4',
      timeoutSeconds: 300,
      allowWatchBookmarks: true,
      labelSelector: 'app=x',
      signal: new AbortController().signal,
    });
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK', 'ERROR']);
    expect(events[2]).toEqual({
      type: 'ERROR',
      status: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' },
    });
    expect(Object.fromEntries(lastSeen().url.searchParams)).toEqual({
      watch: 'true',
      resourceVersion: '4',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '300',
      labelSelector: 'app=x',
    });
  });

  it('ends a watch when its signal aborts, throwing the abort reason', async () => {
    handler = (_s, res) => {
      res.writeHead(200);
      res.write('{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}}\n');
    };
    const controller = new AbortController();
    const stream = api().watch(CONFIG_MAPS, {
      resourceVersion: '1',
      timeoutSeconds: 60,
      allowWatchBookmarks: true,
      signal: controller.signal,
    });
    const reason = new Error('inactive');
    await expect(
      (async () => {
        for await (const _event of stream) controller.abort(reason);
      })(),
    ).rejects.toBe(reason);
  });

  it('turns an HTTP 410 on watch into an APIError that isGone recognises', async () => {
    handler = (_s, res) =>
      json(res, 410, { kind: 'Status', code: 410, reason: 'Gone', message: 'too old resource version' });
    const stream = api().watch(CONFIG_MAPS, {
      resourceVersion: '1',
      timeoutSeconds: 60,
      allowWatchBookmarks: true,
      signal: new AbortController().signal,
    });
    const failure = await (async () => {
      try {
        for await (const _event of stream) return undefined;
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(isGone(failure)).toBe(true);
    expect(failure).toMatchObject({ verb: 'GET', path: '/api/v1/configmaps', reason: 'Gone' });
  });

  it('rejects a watch line that is not a watch event', async () => {
    handler = (_s, res) => {
      res.writeHead(200);
      res.end('<html>proxy error</html>\n');
    };
    const stream = api().watch(CONFIG_MAPS, {
      resourceVersion: '1',
      timeoutSeconds: 60,
      allowWatchBookmarks: true,
      signal: new AbortController().signal,
    });
    await expect(
      (async () => {
        for await (const _e of stream);
      })(),
    ).rejects.toBeInstanceOf(APIDecodeError);
  });

  it('sends server-side apply as an apply patch with field manager and force', async () => {
    handler = (s, res) => json(res, 200, JSON.parse(s.body));
    const desired = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'ns' },
      spec: { replicas: 2 },
    };
    const result = await api().apply(DEPLOYMENTS, desired, {
      fieldManager: 'ai-gateway-operator',
      force: true,
    });
    expect(result).toEqual(desired);
    const req = lastSeen();
    expect(req.method).toBe('PATCH');
    expect(req.url.pathname).toBe('/apis/apps/v1/namespaces/ns/deployments/d');
    expect(Object.fromEntries(req.url.searchParams)).toEqual({
      fieldManager: 'ai-gateway-operator',
      force: 'true',
    });
    expect(req.headers['content-type']).toBe('application/apply-patch+yaml');
  });

  it('replaces the status subresource and merge-patches with the right media type', async () => {
    handler = (s, res) => json(res, 200, JSON.parse(s.body));
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'ns', resourceVersion: '7' },
      status: {},
    };
    await api().replace(CONFIG_MAPS, object, { subresource: 'status' });
    expect(lastSeen()).toMatchObject({
      method: 'PUT',
      url: expect.objectContaining({ pathname: '/api/v1/namespaces/ns/configmaps/c/status' }),
    });
    await api().patch(CONFIG_MAPS, { namespace: 'ns', name: 'c' }, 'merge', { data: { a: '1' } });
    expect(lastSeen().headers['content-type']).toBe('application/merge-patch+json');
  });

  it('reports a Status failure with verb, path, status, reason and message', async () => {
    handler = (_s, res) =>
      json(res, 409, {
        kind: 'Status',
        code: 409,
        reason: 'Conflict',
        message: 'the object has been modified',
      });
    const failure = await api()
      .replace(CONFIG_MAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' } })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({
      status: 409,
      reason: 'Conflict',
      verb: 'PUT',
      path: '/api/v1/namespaces/ns/configmaps/c',
      serverMessage: 'the object has been modified',
    });
  });

  it('sends delete options and accepts a non-JSON error body', async () => {
    handler = (_s, res) => {
      res.writeHead(503);
      res.end('upstream unavailable');
    };
    const failure = await api()
      .delete(CONFIG_MAPS, { namespace: 'ns', name: 'c' }, { propagationPolicy: 'Background' })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ status: 503, reason: '' });
    expect(JSON.parse(lastSeen().body)).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Background',
    });
  });

  it('reports an unreachable server as an APIConnectionError', async () => {
    const closed = HTTPKubeAPI.fromKubeConfig(kubeConfigFor('https://127.0.0.1:1'));
    await expect(closed.get(CONFIG_MAPS, { namespace: 'ns', name: 'c' })).rejects.toBeInstanceOf(
      APIConnectionError,
    );
  });

  it('bounds a request that gets no answer with the request timeout', async () => {
    handler = () => undefined;
    const slow = HTTPKubeAPI.fromKubeConfig(kubeConfigFor(`https://127.0.0.1:${port}`), {
      requestTimeoutMs: 100,
    });
    await expect(slow.get(CONFIG_MAPS, { namespace: 'ns', name: 'c' })).rejects.toBeInstanceOf(
      APIConnectionError,
    );
  });
});
