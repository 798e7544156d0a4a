// Hands a certificate pair to the server when it differs from the one served. A pair that fails its checks
// is logged and skipped: the server keeps serving the previous one.
import type { Logger } from '../../shared/logging/logger.ts';
import type { KeyPairPEM } from '../../shared/tls/certificates.ts';
import { errorMessage } from '../../shared/util/error-message.ts';
import type { CertificateConsumer } from './self-managed-certificates.ts';

export class CertificateReloader {
  readonly #server: CertificateConsumer;
  readonly #logger: Logger;
  #loaded: KeyPairPEM | undefined;
  #lastError: string | undefined;

  constructor(server: CertificateConsumer, logger: Logger) {
    this.#server = server;
    this.#logger = logger;
  }

  /** True when the pair is now served (or already was). */
  offer(pair: KeyPairPEM, source: string): boolean {
    if (this.#loaded && this.#loaded.certPEM === pair.certPEM && this.#loaded.keyPEM === pair.keyPEM)
      return true;
    try {
      this.#server.loadCertificate(pair, source);
      this.#loaded = pair;
      this.#lastError = undefined;
      return true;
    } catch (err) {
      const message = errorMessage(err);
      // A writer replacing two files is seen half-done now and then; say it once, not on every retry.
      if (message !== this.#lastError) {
        this.#logger.error('serving certificate refused; keeping the previous one', {
          source,
          error: message,
        });
      }
      this.#lastError = message;
      return false;
    }
  }
}
