// At start, wires the CRDs in --crd-names to this webhook when the chart cannot (Helm never templates
// crds/): a Service-based conversion is pointed at the webhook's own Service, and with a cert-manager
// Certificate given, the CRDs carry cert-manager.io/inject-ca-from so its cainjector fills their caBundle.
// It runs beside admission, never before it: a failure (RBAC, API server down) is logged and retried with
// backoff. Once wired it checks again every recheck interval, since re-applying crds/ after a chart
// upgrade puts the shipped Service reference back.
import type { KubeObject } from '../../shared/kube/meta-v1-types.ts';
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { systemClock } from '../../shared/time/clock.ts';
import type { Clock, Timer } from '../../shared/time/clock.ts';
import { ExponentialBackoff } from '../../shared/time/exponential-backoff.ts';
import { errorMessage } from '../../shared/util/error-message.ts';
import { conversionWebhookOf, pointAtService } from './conversion-service.ts';
import type { ServiceReference } from './conversion-service.ts';
import { updateObject } from './update-object.ts';
import { CUSTOM_RESOURCE_DEFINITIONS } from './webhook-resources.ts';

const INJECT_CA_FROM_ANNOTATION = 'cert-manager.io/inject-ca-from';

export interface CRDWiringOptions {
  api: KubeAPI;
  crds: readonly string[];
  service: ServiceReference;
  /** `<namespace>/<certificate>` for cert-manager's cainjector; undefined: no annotation. */
  injectCAFrom?: string;
  logger: Logger;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long after a successful pass the next one runs; undefined: none. */
  recheckMs?: number;
  /** Default: the system clock. */
  clock?: Clock;
}

class CRDWiringError extends Error {
  /** e.g. `CustomResourceDefinition aimodels.ai.example.com`. */
  readonly target: string;
  constructor(target: string, message: string, options?: ErrorOptions) {
    super(`wiring the conversion of ${target}: ${message}`, options);
    this.name = 'CRDWiringError';
    this.target = target;
  }
}

const fail = (target: string, message: string, cause?: unknown) =>
  new CRDWiringError(target, message, { cause });

export class CRDWiring {
  readonly #opts: CRDWiringOptions;
  #timer: Timer | undefined;
  #running = false;
  readonly #backoff: ExponentialBackoff;
  #settle: (() => void) | undefined;

  constructor(opts: CRDWiringOptions) {
    this.#opts = opts;
    this.#backoff = new ExponentialBackoff(opts.clock ?? systemClock, {
      initialMs: opts.retryBaseMs ?? 1000,
      maxMs: opts.retryMaxMs ?? 60_000,
      jitter: 0,
      resetAfterMs: Infinity,
    });
  }

  /** One pass over every CRD; throws CRDWiringError for the first one it could not update. */
  async wire(): Promise<void> {
    const { api, crds, logger, service, injectCAFrom } = this.#opts;
    const change = (crd: KubeObject, target: string): boolean => {
      const webhook = conversionWebhookOf(crd);
      if (!webhook) throw new CRDWiringError(target, 'its spec.conversion.strategy is not Webhook');
      const repointed = pointAtService(webhook, service);
      const annotated = injectCAFrom !== undefined && annotate(crd, injectCAFrom);
      return repointed || annotated;
    };
    for (const name of crds) {
      if (await updateObject(api, CUSTOM_RESOURCE_DEFINITIONS, name, change, fail)) {
        logger.info('CRD conversion wired', {
          name,
          service: `${service.namespace}/${service.name}`,
          ...(injectCAFrom !== undefined ? { injectCAFrom } : {}),
        });
      }
    }
  }

  /** Runs wire() in the background, retrying until it succeeds, then every recheckMs until stop(). Resolves at the first success or at stop(). */
  start(): Promise<void> {
    this.#running = true;
    const settled = new Promise<void>((resolve) => (this.#settle = resolve));
    void this.#attempt();
    return settled;
  }

  stop(): void {
    this.#running = false;
    this.#timer?.cancel();
    this.#settle?.();
  }

  async #attempt(): Promise<void> {
    try {
      await this.wire();
      this.#backoff.reset();
      this.#settle?.();
      const { recheckMs } = this.#opts;
      if (recheckMs === undefined) this.stop();
      else if (this.#running) this.#schedule(recheckMs);
    } catch (err) {
      const retryInMs = this.#backoff.next();
      this.#opts.logger.error('wiring the CRD conversion failed; retrying', {
        target: err instanceof CRDWiringError ? err.target : undefined,
        error: errorMessage(err),
        failures: this.#backoff.failures,
        retryInMs,
      });
      if (this.#running) this.#schedule(retryInMs);
    }
  }

  #schedule(delayMs: number): void {
    const clock = this.#opts.clock ?? systemClock;
    this.#timer = clock.setTimer(() => void this.#attempt(), delayMs, { unref: true });
  }
}

/** Sets the inject-ca-from annotation; true when it changed. */
function annotate(crd: KubeObject, injectCAFrom: string): boolean {
  const annotations = crd.metadata.annotations ?? {};
  if (annotations[INJECT_CA_FROM_ANNOTATION] === injectCAFrom) return false;
  crd.metadata.annotations = { ...annotations, [INJECT_CA_FROM_ANNOTATION]: injectCAFrom };
  return true;
}
