import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Pod } from '../../children/kube-objects.ts';
import {
  MAX_RELOADER_STATUS_BYTES,
  PODS_BY_GATEWAY,
  ReloaderStatusReader,
  indexPodByGateway,
  isServingPod,
  reloaderURL,
} from './gateway-pod-reports.ts';

const HASH = 'c'.repeat(64);

function pod(name: string, port: number, status: Pod['status'] = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { 'ai-gateway-operator/gateway': 'edge' } },
    spec: {
      containers: [
        { name: 'nginx', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
        { name: 'reloader', ports: [{ name: 'reload-status', containerPort: port, protocol: 'TCP' }] },
      ],
    },
    status: {
      phase: 'Running',
      podIP: '127.0.0.1',
      conditions: [{ type: 'Ready', status: 'True' }],
      ...status,
    },
  };
}

let server: Server | undefined;
afterEach(() => {
  server?.close();
});

describe('gateway pod reports', () => {
  it('counts running, ready pods that are not stopping', () => {
    expect(isServingPod(pod('a', 9901))).toBe(true);
    expect(isServingPod(pod('b', 9901, { conditions: [{ type: 'Ready', status: 'False' }] }))).toBe(false);
    expect(isServingPod(pod('c', 9901, { phase: 'Pending' }))).toBe(false);
    expect(
      isServingPod({ ...pod('d', 9901), metadata: { ...pod('d', 9901).metadata, deletionTimestamp: 'x' } }),
    ).toBe(false);
  });

  it("finds the reloader at the pod's IP on the port its container declares, IPv6 in brackets", () => {
    expect(reloaderURL(pod('a', 9100))).toBe('http://127.0.0.1:9100');
    expect(reloaderURL(pod('a', 9100, { podIP: 'fd00::7' }))).toBe('http://[fd00::7]:9100');
    const old = pod('a', 9100);
    old.spec.containers = old.spec.containers.slice(0, 1);
    expect(reloaderURL(old)).toBeUndefined();
    expect(indexPodByGateway(old)).toEqual(['shop/edge']);
  });

  it('reads each serving pod, and says which cannot be read', async () => {
    server = createServer((_req, res) =>
      res.end(
        JSON.stringify({
          mountedHash: HASH,
          loadedHash: HASH,
          refused: null,
          problem: null,
          lastReloadSeconds: 0.1,
        }),
      ),
    );
    await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const closed = await new Promise<number>((done) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const free = (probe.address() as AddressInfo).port;
        probe.close(() => done(free));
      });
    });
    const pods = [pod('a', port), pod('b', closed), pod('c', port, { phase: 'Pending' })];
    const reader = new ReloaderStatusReader({
      byIndex: (index, key) => (index === PODS_BY_GATEWAY && key === 'shop/edge' ? pods : []),
    });
    const reports = await reader.reports('shop', 'edge', new AbortController().signal);
    expect(reports).toEqual([
      { pod: 'a', kind: 'status', status: expect.objectContaining({ loadedHash: HASH }) },
      {
        pod: 'b',
        kind: 'unreachable',
        address: `127.0.0.1:${closed}`,
        problem: expect.stringContaining('ECONNREFUSED'),
      },
    ]);
  });

  it('reports a pod that answers without end, or too slowly, as unreachable instead of reading on', async () => {
    let drip: NodeJS.Timeout | undefined;
    let slow = false;
    server = createServer((req, res) => {
      if (slow) {
        res.write('{');
        drip = setInterval(() => res.write(' '), 50);
        req.on('close', () => clearInterval(drip));
        return;
      }
      res.end('x'.repeat(MAX_RELOADER_STATUS_BYTES + 1));
    });
    await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const pods = [pod('a', port)];
    const reader = new ReloaderStatusReader(
      { byIndex: (index, key) => (index === PODS_BY_GATEWAY && key === 'shop/edge' ? pods : []) },
      500,
    );
    expect(await reader.reports('shop', 'edge', new AbortController().signal)).toEqual([
      {
        pod: 'a',
        kind: 'unreachable',
        address: `127.0.0.1:${port}`,
        problem: `answer larger than ${MAX_RELOADER_STATUS_BYTES} bytes`,
      },
    ]);
    slow = true;
    expect(await reader.reports('shop', 'edge', new AbortController().signal)).toEqual([
      { pod: 'a', kind: 'unreachable', address: `127.0.0.1:${port}`, problem: 'no answer within 500 ms' },
    ]);
    clearInterval(drip);
  });
});
