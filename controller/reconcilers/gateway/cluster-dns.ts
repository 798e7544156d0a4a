// The DNS server the gateways resolve backends with: the --gateway-resolver flag, or the ClusterIP of the
// kube-dns Service in kube-system (what CoreDNS and kube-dns are published as). Looked up once and kept;
// while it cannot be found, asked again at most every retry interval.
import { isNotFound } from '../../../shared/kube/api-error.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import { SERVICES } from '../../../shared/kube/well-known-resources.ts';
import type { Service } from '../../children/kube-objects.ts';
import type { Clock } from '../../../shared/time/clock.ts';
import { errorMessage } from '../../../shared/util/error-message.ts';

export const KUBE_DNS = { namespace: 'kube-system', name: 'kube-dns' };
const RETRY_INTERVAL_MS = 30_000;

export type DNSLookup = { address: string } | { problem: string };

export interface ClusterDNSOptions {
  api: KubeAPI;
  clock: Clock;
  /** From --gateway-resolver; skips the lookup. */
  configured?: string | undefined;
}

export class ClusterDNS {
  private readonly opts: ClusterDNSOptions;
  private found: string | undefined;
  private lastFailure: { at: number; problem: string } | undefined;

  constructor(opts: ClusterDNSOptions) {
    this.opts = opts;
    this.found = opts.configured;
  }

  async lookup(signal?: AbortSignal): Promise<DNSLookup> {
    if (this.found) return { address: this.found };
    const now = this.opts.clock.now();
    if (this.lastFailure && now - this.lastFailure.at < RETRY_INTERVAL_MS)
      return { problem: this.lastFailure.problem };
    try {
      const service = await this.opts.api.get<Service>(SERVICES, KUBE_DNS, signal ? { signal } : {});
      const address = service.spec.clusterIP;
      if (address && address !== 'None') {
        this.found = address;
        return { address };
      }
      return this.fail(now, `Service ${KUBE_DNS.namespace}/${KUBE_DNS.name} has no ClusterIP`);
    } catch (err) {
      if (signal?.aborted) throw err;
      return this.fail(
        now,
        isNotFound(err)
          ? `Service ${KUBE_DNS.namespace}/${KUBE_DNS.name} not found`
          : `cannot read Service ${KUBE_DNS.namespace}/${KUBE_DNS.name}: ${errorMessage(err)}`,
      );
    }
  }

  private fail(at: number, why: string): DNSLookup {
    const problem = `no DNS resolver for the gateway: ${why}; set the controller flag --gateway-resolver`;
    this.lastFailure = { at, problem };
    return { problem };
  }
}
