// The gateway pod's reloader with a real nginx, as the pod runs them: the mounted configuration updated
// the way the kubelet updates a ConfigMap volume, nginx reloaded in place (same master, new workers) with
// streams in flight finishing, a configuration nginx refuses reported with nginx's words while the one
// before keeps serving, and an nginx restart followed.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayRouteV1 } from '../../shared/api/apigatewayroute/v1.ts';
import { GATEWAY_CONFIG_FILE, renderGatewayConfig } from '../../shared/gateway/render-gateway-config.ts';
import type { GatewayConfig } from '../../shared/gateway/render-gateway-config.ts';
import {
  FIXTURE_GATEWAY,
  FIXTURE_NAMESPACE,
  gatewayRoute,
} from '../../shared/gateway/testing/gateway-fixtures.ts';
import { startEchoBackend, type EchoBackend } from '../../test/nginx/echo-backend.ts';
import { freeLoopbackPort } from '../../test/nginx/free-port.ts';
import { sendRequest } from '../../test/nginx/http-request.ts';
import { startLoopbackDNSServer, type LoopbackDNSServer } from '../../test/nginx/loopback-dns-server.ts';
import { readStream } from './support/sse-client.ts';
import { startGatewayPod, type GatewayPod } from './support/gateway-pod.ts';

jest.setTimeout(120_000);

const SERVICE = `echo.${FIXTURE_NAMESPACE}.svc.cluster.local`;

let backend: EchoBackend;
let dns: LoopbackDNSServer;
let port: number;
let metricsPort: number;
let pod: GatewayPod | undefined;

function routes(...paths: string[]): APIGatewayRouteV1[] {
  return paths.map((path) =>
    gatewayRoute(path.slice(1), { path, destinationService: 'echo', destinationPort: backend.port }),
  );
}

function render(paths: string[], runtimeDirectory = pod?.directories.runtime ?? ''): GatewayConfig {
  return renderGatewayConfig({
    namespace: FIXTURE_NAMESPACE,
    gateway: FIXTURE_GATEWAY,
    routes: routes(...paths),
    models: [],
    resolver: dns.address,
    resolverValidSeconds: 1,
    listenAddress: '127.0.0.1',
    listenPort: port,
    metricsPort,
    runtimeDirectory,
    accessLog: '/dev/null',
  });
}

const volume = (config: GatewayConfig) => ({ [GATEWAY_CONFIG_FILE]: config.config, ...config.files });

async function served(path: string): Promise<number> {
  return (await sendRequest(port, path)).status;
}

beforeAll(async () => {
  backend = await startEchoBackend('echo');
  dns = await startLoopbackDNSServer([SERVICE]);
  port = await freeLoopbackPort();
  metricsPort = await freeLoopbackPort();
  while (metricsPort === port) metricsPort = await freeLoopbackPort();
});

afterAll(async () => {
  await pod?.stop();
  await dns?.close();
  await backend?.close();
});

describe('the reloader beside a real nginx', () => {
  it('reports the configuration nginx started with', async () => {
    pod = await startGatewayPod(
      {
        port,
        statusHost: '127.0.0.1',
        statusPort: await freeLoopbackPort(),
        workerShutdownTimeoutSeconds: 30,
      },
      (directories) => volume(render(['/a'], directories.runtime)),
    );
    const rendered = render(['/a']);
    const status = await pod.waitFor(rendered.hash);
    expect(status).toMatchObject({ mountedHash: rendered.hash, refused: null, problem: null });
    expect(await served('/a')).toBe(200);
  });

  it('reloads nginx in place when the mount changes; a stream in flight finishes', async () => {
    const running = pod as GatewayPod;
    const master = running.nginxPID;
    const stream = readStream(port, '/a/stream', 30);
    const next = render(['/a', '/b']);
    await running.mount(volume(next));
    const status = await running.waitFor(next.hash);
    expect(status.lastReloadSeconds).toBeGreaterThan(0);
    expect(await served('/b')).toBe(200);
    expect(running.nginxPID).toBe(master);
    expect(await stream).toMatchObject({ status: 200, events: 30, complete: true });
  });

  it('reports a configuration nginx refuses with its words, and keeps serving the one before', async () => {
    const running = pod as GatewayPod;
    const good = render(['/a', '/b']);
    const next = render(['/a', '/b', '/c']);
    // What nginx refuses: a directive it does not know (the status location and hash are intact).
    const refused = {
      ...volume(next),
      [GATEWAY_CONFIG_FILE]: next.config.replace('http {', 'http {\n    no_such_directive on;'),
    };
    await running.mount(refused);
    const status = await running.waitFor(next.hash, 'refused');
    expect(status.loadedHash).toBe(good.hash);
    expect(status.refused?.error).toContain('unknown directive "no_such_directive"');
    expect(await running.nginxLog()).toContain('unknown directive "no_such_directive"');
    expect(await served('/b')).toBe(200);
    expect(await served('/c')).toBe(404);
    // Not offered again while it stays mounted.
    await new Promise((done) => setTimeout(done, 1500));
    const errors = await readFile(join(running.directories.runtime, 'reload-errors.log'), 'utf8');
    expect(errors.match(/no_such_directive/g)).toHaveLength(1);

    const fixed = render(['/a', '/b', '/c', '/d']);
    await running.mount(volume(fixed));
    expect(await running.waitFor(fixed.hash)).toMatchObject({ refused: null });
    expect(await served('/c')).toBe(200);
  });

  it('follows nginx through a restart', async () => {
    const running = pod as GatewayPod;
    const current = render(['/a', '/b', '/c', '/d']);
    const before = running.nginxPID;
    await running.restartNginx();
    expect(running.nginxPID).not.toBe(before);
    const next = render(['/a', '/e']);
    await running.mount(volume(next));
    await running.waitFor(next.hash);
    expect(await served('/e')).toBe(200);
    expect(await served('/d')).toBe(404);
    expect(current.hash).not.toBe(next.hash);
  });
});
