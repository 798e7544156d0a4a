// What the reloader of each ready pod of a gateway reports: read over HTTP from the pod's address, on the
// port its reloader container declares. The controller asks; the pods hold no credential and write
// nothing to the API server. Only ready, running pods that are not stopping count: they are the ones the
// Service sends requests to.
import { request } from 'node:http';
import { isIP } from 'node:net';
import { RELOADER_STATUS_PATH, parseReloaderStatus } from '../../../shared/gateway/reloader-status.ts';
import { errorMessage } from '../../../shared/util/error-message.ts';
import { RELOADER_CONTAINER, RELOADER_PORT_NAME } from '../../children/gateway/gateway-pod.ts';
import type { Pod } from '../../children/kube-objects.ts';
import { GATEWAY_LABEL } from '../../children/labels.ts';
import type { PodReport } from '../../status/config-serving.ts';
import type { WatchedObjects } from '../../runtime/cache/watched-objects.ts';
import { namespaceOf } from '../../../shared/kube/object-key.ts';

export const PODS_BY_GATEWAY = 'byGateway';

/** "namespace/gateway" of a gateway pod, from its gateway label. */
export function indexPodByGateway(pod: Pod): string[] {
  const gateway = pod.metadata.labels?.[GATEWAY_LABEL];
  return gateway === undefined ? [] : [`${namespaceOf(pod)}/${gateway}`];
}

export function isServingPod(pod: Pod): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    pod.status.podIP !== undefined &&
    pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
  );
}

/** `http://ip:port` of the pod's reloader; undefined for a pod without one. */
export function reloaderURL(pod: Pod): string | undefined {
  const port = pod.spec.containers
    .find((c) => c.name === RELOADER_CONTAINER)
    ?.ports.find((p) => p.name === RELOADER_PORT_NAME)?.containerPort;
  const ip = pod.status?.podIP;
  if (port === undefined || ip === undefined) return undefined;
  return `http://${isIP(ip) === 6 ? `[${ip}]` : ip}:${port}`;
}

/**
 * The most a reloader's answer may take. Its status is a few hundred bytes; a gateway pod is in a tenant's
 * namespace, so an answer is bounded in size and time before it is read, and a pod that talks without end
 * is reported unreachable instead of filling the controller's memory or holding a worker.
 */
export const MAX_RELOADER_STATUS_BYTES = 64 * 1024;

function getText(url: string, timeoutMs: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    // The whole answer within timeoutMs, not only each read: a pod dripping bytes must not hold a worker.
    const deadline = AbortSignal.timeout(timeoutMs);
    const req = request(url, { signal: AbortSignal.any([signal, deadline]) }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_RELOADER_STATUS_BYTES) {
          req.destroy(new Error(`answer larger than ${MAX_RELOADER_STATUS_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(body);
        else reject(new Error(`HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
      });
      res.on('error', reject);
    });
    req.on('error', (err) =>
      reject(deadline.aborted && !signal.aborted ? new Error(`no answer within ${timeoutMs} ms`) : err),
    );
    req.end();
  });
}

export interface GatewayPodReporter {
  /** A report of every serving pod of the gateway `namespace/gateway`. */
  reports(namespace: string, gateway: string, signal: AbortSignal): Promise<PodReport[]>;
}

export class ReloaderStatusReader implements GatewayPodReporter {
  private readonly pods: Pick<WatchedObjects<Pod>, 'byIndex'>;
  private readonly timeoutMs: number;

  constructor(pods: Pick<WatchedObjects<Pod>, 'byIndex'>, timeoutMs = 2000) {
    this.pods = pods;
    this.timeoutMs = timeoutMs;
  }

  reports(namespace: string, gateway: string, signal: AbortSignal): Promise<PodReport[]> {
    const serving = this.pods
      .byIndex(PODS_BY_GATEWAY, `${namespace}/${gateway}`)
      .filter(isServingPod)
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    return Promise.all(serving.map((pod) => this.report(pod, signal)));
  }

  private async report(pod: Pod, signal: AbortSignal): Promise<PodReport> {
    const name = pod.metadata.name ?? '';
    const base = reloaderURL(pod);
    if (base === undefined) return { pod: name, kind: 'no-reloader' };
    try {
      const status = parseReloaderStatus(
        await getText(`${base}${RELOADER_STATUS_PATH}`, this.timeoutMs, signal),
      );
      return { pod: name, kind: 'status', status };
    } catch (err) {
      if (signal.aborted) throw err;
      return {
        pod: name,
        kind: 'unreachable',
        address: base.slice('http://'.length),
        problem: errorMessage(err),
      };
    }
  }
}
