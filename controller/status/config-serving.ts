// Whether a gateway's running pods serve its current configuration, from what each ready pod's reloader
// reports. A change of routes rolls no pod, so the Deployment's rollout cannot tell; the reloaders can:
// each says which configuration its nginx answers with, and which one it refused.
import type { ReloaderStatus } from '../../shared/gateway/reloader-status.ts';

export type PodReport =
  | { pod: string; kind: 'status'; status: ReloaderStatus }
  /** The reloader could not be read (not listening yet, a network policy, a timeout). */
  | { pod: string; kind: 'unreachable'; address: string; problem: string }
  /** A pod without a reloader, made before the gateway pods had one: it never loads a new configuration. */
  | { pod: string; kind: 'no-reloader' };

export type ConfigServing =
  /** Every ready pod answers with the configuration. */
  | { state: 'Serving'; pods: number }
  /** Some ready pod does not yet (the kubelet has not updated its mount, or nginx is reloading). */
  | { state: 'Loading'; serving: number; pods: number; message: string }
  /** nginx in some pod refused the configuration and kept the one before. */
  | { state: 'Refused'; pod: string; error: string }
  | { state: 'Unreachable'; pod: string; address: string; problem: string }
  /** No pod is ready: only the Deployment can tell what is going on. */
  | { state: 'NoPods' };

function waitingFor(report: PodReport, hash: string): string | undefined {
  if (report.kind === 'no-reloader') return `${report.pod} has no reloader and is due to be replaced`;
  if (report.kind !== 'status' || report.status.loadedHash === hash) return undefined;
  const { status } = report;
  if (status.problem !== null) return `${report.pod}: ${status.problem}`;
  if (status.mountedHash !== hash)
    return `${report.pod}: the kubelet has not updated the mounted configuration yet`;
  return `${report.pod}: nginx is loading it`;
}

export function configServing(hash: string, reports: readonly PodReport[]): ConfigServing {
  if (reports.length === 0) return { state: 'NoPods' };
  for (const report of reports) {
    if (report.kind === 'status' && report.status.refused?.hash === hash) {
      return { state: 'Refused', pod: report.pod, error: report.status.refused.error };
    }
  }
  for (const report of reports) {
    if (report.kind === 'unreachable') {
      return { state: 'Unreachable', pod: report.pod, address: report.address, problem: report.problem };
    }
  }
  const waiting = reports.flatMap((report) => waitingFor(report, hash) ?? []);
  if (waiting.length === 0) return { state: 'Serving', pods: reports.length };
  return {
    state: 'Loading',
    serving: reports.length - waiting.length,
    pods: reports.length,
    message: waiting.join('; '),
  };
}
