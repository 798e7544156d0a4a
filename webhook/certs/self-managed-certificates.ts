// The default certificate mode: this webhook is its own CA. Every round reads the Secret, plans (create,
// renew, rotate), writes the plan back with optimistic concurrency — a replica that loses a race adopts
// what the winner wrote — injects the trust bundle, and serves the Secret's certificate. A replica lets a
// new CA sign only after it has itself injected a bundle holding it: writing the Secret is not enough.
import type { ReadinessCheckResult } from '../../shared/observability/readiness-checks.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { systemClock } from '../../shared/time/clock.ts';
import type { Clock, Timer } from '../../shared/time/clock.ts';
import { ExponentialBackoff } from '../../shared/time/exponential-backoff.ts';
import type { KeyPairPEM } from '../../shared/tls/certificates.ts';
import { errorMessage } from '../../shared/util/error-message.ts';
import type { CABundleInjector } from './ca-bundle-injector.ts';
import type { CertificateIssuer } from './certificate-issuer.ts';
import { decodeCertificateSecret, encodeCertificateSecret } from './certificate-secret.ts';
import { CertificateSecretConflictError } from './certificate-secret-store.ts';
import type { CertificateSecretStore } from './certificate-secret-store.ts';
import type { CertificateState, RotationPolicy, ServingIdentity } from './certificate-state.ts';
import { normalizePEM } from './certificate-state.ts';
import type { InjectedSince } from './plan-certificates.ts';
import { nextRotationTime, planCertificates } from './plan-certificates.ts';

export interface CertificateConsumer {
  /** Validates and serves the pair; throws when it is unusable. */
  loadCertificate(pair: KeyPairPEM, source: string): unknown;
}

export interface SelfManagedCertificatesOptions {
  store: CertificateSecretStore;
  /** Absent when CA injection is switched off. */
  injector?: CABundleInjector;
  server: CertificateConsumer;
  policy: RotationPolicy;
  identity: ServingIdentity;
  issuer: CertificateIssuer;
  logger: Logger;
  /** How often the Secret is read again and the bundle re-injected, whatever the rotation schedule. */
  checkIntervalMs: number;
  /** Default: the system clock. */
  clock?: Clock;
}

const MAX_WRITE_ATTEMPTS = 5;
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;

export class SelfManagedCertificates {
  readonly #opts: SelfManagedCertificatesOptions;
  readonly #clock: Clock;
  #servedCertPEM: string | undefined;
  #injectedBundle: string | undefined;
  /** Each CA of the bundle last injected → when a bundle holding it was first injected. */
  readonly #injectedSince = new Map<string, Date>();
  #wantedBundle: string | undefined;
  #lastError: string | undefined;
  #timer: Timer | undefined;
  #running = false;
  readonly #backoff: ExponentialBackoff;

  constructor(opts: SelfManagedCertificatesOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#backoff = new ExponentialBackoff(this.#clock, {
      initialMs: RETRY_BASE_MS,
      maxMs: Math.min(RETRY_MAX_MS, opts.checkIntervalMs),
      jitter: 0,
      resetAfterMs: Infinity,
    });
  }

  /** One round: settle the Secret, inject its bundle, serve its certificate. Throws what failed. */
  async reconcile(): Promise<CertificateState> {
    const state = await this.#settleSecret();
    const bundle = state.trustBundle.join('');
    this.#wantedBundle = bundle;
    if (state.serving.certPEM !== this.#servedCertPEM) {
      this.#opts.server.loadCertificate(state.serving, `Secret ${this.#secretRef()}`);
      this.#servedCertPEM = state.serving.certPEM;
    }
    // Every round, not only on change: a chart upgrade may have reset the caBundle fields. The injector
    // writes only what differs.
    if (this.#opts.injector) {
      await this.#opts.injector.inject(bundle);
      this.#injectedBundle = bundle;
      this.#recordInjected(state.trustBundle);
    }
    return state;
  }

  /** Runs rounds until stop(): at the next rotation time or check interval, sooner after a failure. */
  start(): void {
    this.#running = true;
    void this.#round();
  }

  stop(): void {
    this.#running = false;
    this.#timer?.cancel();
  }

  /** Ready once the served certificate's CA is trusted by the API server (or injection is off). */
  injectionReadiness(): ReadinessCheckResult {
    if (!this.#opts.injector) return true;
    if (this.#wantedBundle !== undefined && this.#wantedBundle === this.#injectedBundle) return true;
    return {
      ok: false,
      reason: `CA bundle not injected yet${this.#lastError ? `: ${this.#lastError}` : ''}`,
    };
  }

  /** What lets the next CA sign: only a bundle this process has injected is known to be trusted. */
  #recordInjected(trustBundle: readonly string[]): void {
    const now = new Date(this.#clock.now());
    for (const pem of this.#injectedSince.keys()) {
      if (!trustBundle.includes(pem)) this.#injectedSince.delete(pem);
    }
    for (const pem of trustBundle) {
      if (!this.#injectedSince.has(pem)) this.#injectedSince.set(pem, now);
    }
  }

  /** Absent without an injector: whoever injects then is trusted to have done so. */
  #injectedSinceForPlan(): InjectedSince | undefined {
    if (!this.#opts.injector) return undefined;
    return (caCertPEM) => this.#injectedSince.get(normalizePEM(caCertPEM));
  }

  #secretRef(): string {
    return `${this.#opts.store.namespace}/${this.#opts.store.name}`;
  }

  async #settleSecret(): Promise<CertificateState> {
    const { store, logger } = this.#opts;
    for (let attempt = 1; ; attempt++) {
      const secret = await store.read();
      let current: CertificateState | undefined;
      if (secret) {
        try {
          current = decodeCertificateSecret(secret.data);
        } catch (err) {
          logger.warn('certificate Secret unusable; replacing its content', {
            namespace: store.namespace,
            name: store.name,
            error: errorMessage(err),
          });
        }
      }
      const plan = planCertificates(current, {
        now: new Date(this.#clock.now()),
        policy: this.#opts.policy,
        identity: this.#opts.identity,
        issuer: this.#opts.issuer,
        injectedSince: this.#injectedSinceForPlan(),
      });
      if (plan.changes.length === 0) return plan.state;
      try {
        const data = encodeCertificateSecret(plan.state);
        if (secret) await store.update(secret, data);
        else await store.create(data);
        logger.info('certificate Secret written', {
          namespace: store.namespace,
          name: store.name,
          changes: plan.changes,
        });
        return plan.state;
      } catch (err) {
        if (!(err instanceof CertificateSecretConflictError) || attempt >= MAX_WRITE_ATTEMPTS) throw err;
        logger.info('certificate Secret changed by another replica; adopting it', {
          namespace: store.namespace,
          name: store.name,
        });
      }
    }
  }

  async #round(): Promise<void> {
    if (!this.#running) return;
    let delayMs = this.#opts.checkIntervalMs;
    try {
      const state = await this.reconcile();
      this.#lastError = undefined;
      this.#backoff.reset();
      const due = nextRotationTime(state, this.#opts.policy, this.#injectedSinceForPlan());
      if (due) delayMs = Math.min(delayMs, Math.max(0, due.getTime() - this.#clock.now()) + 10);
    } catch (err) {
      this.#lastError = errorMessage(err);
      delayMs = this.#backoff.next();
      this.#opts.logger.error('certificate round failed; retrying', {
        namespace: this.#opts.store.namespace,
        name: this.#opts.store.name,
        error: this.#lastError,
        retryInMs: delayMs,
      });
    }
    if (!this.#running) return;
    this.#timer = this.#clock.setTimer(() => void this.#round(), delayMs, { unref: true });
  }
}
