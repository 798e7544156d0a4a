// The reloaders of the local cluster's gateway pods. kwok runs no container, so no reloader tells the
// controller what configuration a gateway pod serves, and its routes would never be Ready. This plays
// them the way a pod whose kubelet and nginx are instant would: each gateway pod's reloader address (its
// fake pod IP, on the loopback block, and the port its reloader container declares) answers that the
// configuration now in the gateway's ConfigMap is mounted and loaded. Only pods whose reloader port is
// `port` are played: a test that runs a real reloader for a pod gives its controller another port.
import { createServer, type Server } from 'node:http';
import { configHashInText } from '../../shared/gateway/config-status.ts';
import { RELOADER_STATUS_PATH, type ReloaderStatus } from '../../shared/gateway/reloader-status.ts';
import { DEFAULT_RELOADER_STATUS_PORT } from '../../shared/gateway/reloader-pod-layout.ts';
import { errorMessage } from '../../shared/util/error-message.ts';
import type { AdminAPI } from './admin-api.ts';

const GATEWAY_PODS = 'app.kubernetes.io/component=gateway,app.kubernetes.io/managed-by=ai-gateway-operator';
const GATEWAY_LABEL = 'ai-gateway-operator/gateway';
const RELOADER_PORT_NAME = 'reload-status';

interface GatewayPod {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { containers: { ports?: { name?: string; containerPort: number }[] }[] };
  status?: { phase?: string; podIP?: string };
}

export interface FakeReloadersOptions {
  api: Pick<AdminAPI, 'getJSON'>;
  port?: number;
  pollMs?: number;
  log?: (line: string) => void;
}

function reloaderPort(pod: GatewayPod): number | undefined {
  for (const container of pod.spec.containers) {
    const port = container.ports?.find((p) => p.name === RELOADER_PORT_NAME);
    if (port) return port.containerPort;
  }
  return undefined;
}

export class FakeReloaders {
  private readonly api: Pick<AdminAPI, 'getJSON'>;
  private readonly port: number;
  private readonly pollMs: number;
  private readonly log: (line: string) => void;
  /** By pod IP: the listener, and the gateway whose pod has that IP now. */
  private readonly listeners = new Map<string, { server: Server; namespace: string; gateway: string }>();
  private timer: NodeJS.Timeout | undefined;
  private synced = false;

  constructor(opts: FakeReloadersOptions) {
    this.api = opts.api;
    this.port = opts.port ?? DEFAULT_RELOADER_STATUS_PORT;
    this.pollMs = opts.pollMs ?? 250;
    this.log = opts.log ?? (() => undefined);
  }

  /** True once the gateway pods have been listed. */
  get ready(): boolean {
    return this.synced;
  }

  start(): void {
    const loop = async () => {
      try {
        await this.sync();
        this.synced = true;
      } catch (err) {
        this.log(`listing gateway pods failed: ${errorMessage(err)}`);
      }
      this.timer = setTimeout(() => void loop(), this.pollMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await Promise.all([...this.listeners.values()].map(({ server }) => this.close(server)));
    this.listeners.clear();
  }

  private async sync(): Promise<void> {
    const list = (await this.api.getJSON(
      `/api/v1/pods?labelSelector=${encodeURIComponent(GATEWAY_PODS)}`,
    )) as { items: GatewayPod[] } | undefined;
    const wanted = new Map<string, { namespace: string; gateway: string }>();
    for (const pod of list?.items ?? []) {
      const ip = pod.status?.podIP;
      const gateway = pod.metadata.labels?.[GATEWAY_LABEL];
      if (pod.status?.phase !== 'Running' || !ip || !gateway || reloaderPort(pod) !== this.port) continue;
      wanted.set(ip, { namespace: pod.metadata.namespace, gateway });
    }
    for (const [ip, listener] of this.listeners) {
      if (!wanted.has(ip)) {
        this.listeners.delete(ip);
        await this.close(listener.server);
      }
    }
    for (const [ip, owner] of wanted) {
      const existing = this.listeners.get(ip);
      if (existing) Object.assign(existing, owner);
      else await this.listen(ip, owner);
    }
  }

  private async listen(ip: string, owner: { namespace: string; gateway: string }): Promise<void> {
    const entry = { server: createServer(), ...owner };
    entry.server.on('request', (req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/healthz') {
        res.writeHead(200).end('ok');
        return;
      }
      if (path !== RELOADER_STATUS_PATH) {
        res.writeHead(404).end();
        return;
      }
      this.status(entry.namespace, entry.gateway).then(
        (status) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status)),
        (err: unknown) => res.writeHead(500).end(errorMessage(err)),
      );
    });
    try {
      await new Promise<void>((resolve, reject) => {
        entry.server.once('error', reject);
        entry.server.listen(this.port, ip, () => resolve());
      });
      this.listeners.set(ip, entry);
      this.log(`reloader of a pod of ${owner.namespace}/${owner.gateway} at ${ip}:${this.port}`);
    } catch (err) {
      this.log(`cannot listen at ${ip}:${this.port}: ${errorMessage(err)}`);
    }
  }

  private close(server: Server): Promise<void> {
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The configuration in the gateway's ConfigMap, as a pod that has loaded it reports it. */
  private async status(namespace: string, gateway: string): Promise<ReloaderStatus> {
    const configMap = (await this.api.getJSON(
      `/api/v1/namespaces/${namespace}/configmaps/agw-${gateway}`,
    )) as { data?: Record<string, string> } | undefined;
    const hash = configHashInText(configMap?.data?.['nginx.conf'] ?? '') ?? null;
    return {
      mountedHash: hash,
      loadedHash: hash,
      refused: null,
      problem: hash === null ? `ConfigMap ${namespace}/agw-${gateway} holds no gateway configuration` : null,
      lastReloadSeconds: 0,
    };
  }
}
