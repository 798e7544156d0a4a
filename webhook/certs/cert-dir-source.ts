// Serves the certificate from a directory (a mounted Secret, e.g. from cert-manager) and follows it:
// changes are noticed through a directory watch, debounced because Kubernetes swaps a mounted Secret in
// several steps, and by a slow poll in case a watch event is lost.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../shared/logging/logger.ts';
import { setRepeatingTimer, systemClock } from '../../shared/time/clock.ts';
import type { Clock, Timer } from '../../shared/time/clock.ts';
import { errorMessage } from '../../shared/util/error-message.ts';
import { CertificateReloader } from './certificate-reloader.ts';
import type { CertificateConsumer } from './self-managed-certificates.ts';

export interface CertDirSourceOptions {
  dir: string;
  certFile?: string;
  keyFile?: string;
  server: CertificateConsumer;
  logger: Logger;
  debounceMs?: number;
  pollIntervalMs?: number;
  /** Default: the system clock. */
  clock?: Clock;
}

export class CertDirSource {
  readonly #opts: Required<Omit<CertDirSourceOptions, 'server' | 'logger' | 'clock'>> & { logger: Logger };
  readonly #clock: Clock;
  readonly #reloader: CertificateReloader;
  #watcher: FSWatcher | undefined;
  #debounce: Timer | undefined;
  #poll: Timer | undefined;

  constructor(opts: CertDirSourceOptions) {
    this.#opts = {
      dir: opts.dir,
      certFile: opts.certFile ?? 'tls.crt',
      keyFile: opts.keyFile ?? 'tls.key',
      debounceMs: opts.debounceMs ?? 500,
      pollIntervalMs: opts.pollIntervalMs ?? 60_000,
      logger: opts.logger,
    };
    this.#clock = opts.clock ?? systemClock;
    this.#reloader = new CertificateReloader(opts.server, opts.logger);
  }

  /** Reads the files now and serves them if they are good; false when they are missing or refused. */
  async reload(): Promise<boolean> {
    const { dir, certFile, keyFile, logger } = this.#opts;
    let certPEM: string;
    let keyPEM: string;
    try {
      [certPEM, keyPEM] = await Promise.all([
        readFile(join(dir, certFile), 'utf8'),
        readFile(join(dir, keyFile), 'utf8'),
      ]);
    } catch (err) {
      logger.error('cannot read the serving certificate files', { dir, error: errorMessage(err) });
      return false;
    }
    return this.#reloader.offer({ certPEM, keyPEM }, dir);
  }

  async start(): Promise<boolean> {
    const loaded = await this.reload();
    this.#watcher = watch(this.#opts.dir, () => {
      this.#debounce?.cancel();
      this.#debounce = this.#clock.setTimer(() => void this.reload(), this.#opts.debounceMs);
    });
    this.#watcher.on('error', (err) =>
      this.#opts.logger.warn('watching the certificate directory failed; polling only', {
        dir: this.#opts.dir,
        error: err.message,
      }),
    );
    this.#poll = setRepeatingTimer(this.#clock, () => void this.reload(), this.#opts.pollIntervalMs, {
      unref: true,
    });
    return loaded;
  }

  stop(): void {
    this.#watcher?.close();
    this.#debounce?.cancel();
    this.#poll?.cancel();
  }
}
