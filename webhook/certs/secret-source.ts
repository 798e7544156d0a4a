// Serves the certificate from a Secret someone else manages (cert-manager, an administrator), read-only:
// the Secret is read again every interval and a changed pair is served.
import type { Logger } from '../../shared/logging/logger.ts';
import { setRepeatingTimer, systemClock } from '../../shared/time/clock.ts';
import type { Clock, Timer } from '../../shared/time/clock.ts';
import { errorMessage } from '../../shared/util/error-message.ts';
import { CertificateReloader } from './certificate-reloader.ts';
import type { CertificateSecretStore } from './certificate-secret-store.ts';
import { SECRET_KEYS } from './certificate-secret.ts';
import type { CertificateConsumer } from './self-managed-certificates.ts';

export interface SecretSourceOptions {
  store: Pick<CertificateSecretStore, 'read' | 'namespace' | 'name'>;
  server: CertificateConsumer;
  logger: Logger;
  pollIntervalMs: number;
  /** Default: the system clock. */
  clock?: Clock;
}

export class SecretSource {
  readonly #opts: SecretSourceOptions;
  readonly #reloader: CertificateReloader;
  #timer: Timer | undefined;

  constructor(opts: SecretSourceOptions) {
    this.#opts = opts;
    this.#reloader = new CertificateReloader(opts.server, opts.logger);
  }

  async reload(): Promise<boolean> {
    const { store, logger } = this.#opts;
    const source = `Secret ${store.namespace}/${store.name}`;
    try {
      const secret = await store.read();
      const decode = (key: string) => Buffer.from(secret?.data?.[key] ?? '', 'base64').toString('utf8');
      if (!secret) {
        logger.error('serving certificate Secret not found', {
          namespace: store.namespace,
          name: store.name,
        });
        return false;
      }
      return this.#reloader.offer(
        { certPEM: decode(SECRET_KEYS.servingCert), keyPEM: decode(SECRET_KEYS.servingKey) },
        source,
      );
    } catch (err) {
      logger.error('cannot read the serving certificate Secret', {
        namespace: store.namespace,
        name: store.name,
        error: errorMessage(err),
      });
      return false;
    }
  }

  async start(): Promise<boolean> {
    const loaded = await this.reload();
    this.#timer = setRepeatingTimer(
      this.#opts.clock ?? systemClock,
      () => void this.reload(),
      this.#opts.pollIntervalMs,
      { unref: true },
    );
    return loaded;
  }

  stop(): void {
    this.#timer?.cancel();
  }
}
