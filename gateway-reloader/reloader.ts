// The reloader's loop: looks at the mounted configuration and nginx on every change of the mount's
// directory (inotify) and every poll interval, reloads nginx when the mount holds a configuration nginx
// does not run, and keeps the status the controller reads. One look at a time; a change during a look
// makes another look follow it.
import { watch, type FSWatcher } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReloaderStatus } from '../shared/gateway/reloader-status.ts';
import type { Logger } from '../shared/logging/logger.ts';
import { errorMessage } from '../shared/util/error-message.ts';
import { ErrorLogTail } from './error-log-tail.ts';
import { loadedConfigHash } from './loaded-config.ts';
import { mountedVersion, readMountedConfig, type MountedConfig } from './mounted-config.ts';
import { nginxMasterPID, signalReload } from './nginx-master.ts';
import {
  EMPTY_MEMORY,
  afterLook,
  afterReload,
  planStep,
  reloaderStatus,
  type Observation,
  type ReloadMemory,
  type ReloadOutcome,
} from './reload-plan.ts';
import type { ReloaderOptions } from './reloader-options.ts';

/** How often nginx is asked for its configuration while a reload is under way. */
const RELOAD_CHECK_INTERVAL_MS = 20;
const ASK_TIMEOUT_MS = 2000;

export type ReloaderSettings = Pick<
  ReloaderOptions,
  'configDir' | 'nginxPIDFile' | 'nginxErrorLog' | 'nginxURL' | 'reloadTimeoutMs' | 'pollIntervalMs'
>;

export class Reloader {
  private readonly settings: ReloaderSettings;
  private readonly logger: Logger;
  private readonly errorLog: ErrorLogTail;
  private memory: ReloadMemory = EMPTY_MEMORY;
  private mounted: MountedConfig | undefined;
  private current: ReloaderStatus = reloaderStatus(
    { mounted: { problem: 'not looked at yet' }, nginx: { problem: 'not looked at yet' } },
    EMPTY_MEMORY,
  );
  private lastProblem: string | null = null;
  private looking: Promise<void> | undefined;
  private lookAgain = false;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(settings: ReloaderSettings, logger: Logger) {
    this.settings = settings;
    this.logger = logger;
    this.errorLog = new ErrorLogTail(settings.nginxErrorLog);
  }

  status(): ReloaderStatus {
    return this.current;
  }

  /** Looks once, then on every change of the mount and every poll interval until stopped. */
  async start(): Promise<void> {
    await this.look();
    try {
      // The kubelet's rename of `..data` is an event on the directory.
      this.watcher = watch(this.settings.configDir, () => this.trigger());
      this.watcher.on('error', (err) =>
        this.logger.warn('watching the mounted configuration failed; polling only', {
          error: errorMessage(err),
        }),
      );
    } catch (err) {
      this.logger.warn('cannot watch the mounted configuration; polling only', { error: errorMessage(err) });
    }
    this.timer = setInterval(() => this.trigger(), this.settings.pollIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    clearInterval(this.timer);
    await this.looking;
  }

  /** Looks now, or right after the look under way. */
  trigger(): void {
    if (this.stopped) return;
    if (this.looking) {
      this.lookAgain = true;
      return;
    }
    void this.look();
  }

  /** One look, and the reload it calls for; resolves when done (with any look it made follow). */
  look(): Promise<void> {
    if (this.looking) {
      this.lookAgain = true;
      return this.looking;
    }
    this.looking = (async () => {
      do {
        this.lookAgain = false;
        await this.lookOnce().catch((err: unknown) =>
          this.logger.error('look failed', { error: errorMessage(err) }),
        );
      } while (this.lookAgain && !this.stopped);
    })().finally(() => {
      this.looking = undefined;
    });
    return this.looking;
  }

  private async lookOnce(): Promise<void> {
    let seen = await this.observe();
    this.memory = afterLook(this.memory, seen);
    const step = planStep(seen, this.memory);
    if (step.kind === 'reload') {
      const outcome = await this.reload(step.pid, step.hash);
      this.memory = afterReload(this.memory, step.hash, outcome);
      if (outcome.kind === 'loaded') {
        this.logger.info('configuration loaded', { hash: step.hash, seconds: outcome.seconds });
      } else {
        this.logger.warn('nginx refused the configuration and keeps running the one before', {
          hash: step.hash,
          error: outcome.error,
        });
      }
      seen = await this.observe();
    }
    this.current = reloaderStatus(seen, this.memory);
    if (this.current.problem !== this.lastProblem) {
      if (this.current.problem !== null)
        this.logger.warn('cannot follow the configuration', { problem: this.current.problem });
      else if (this.lastProblem !== null) this.logger.info('following the configuration again');
      this.lastProblem = this.current.problem;
    }
  }

  private async observe(): Promise<Observation> {
    const [mounted, nginx] = await Promise.all([this.observeMount(), this.observeNginx()]);
    return { mounted, nginx };
  }

  private async observeMount(): Promise<Observation['mounted']> {
    try {
      // The hash is read again only when `..data` points elsewhere: a version never changes.
      const version = await mountedVersion(this.settings.configDir);
      if (this.mounted?.version !== version) this.mounted = await readMountedConfig(this.settings.configDir);
      return { ok: this.mounted };
    } catch (err) {
      this.mounted = undefined;
      return { problem: errorMessage(err) };
    }
  }

  private async observeNginx(): Promise<Observation['nginx']> {
    try {
      const pid = await nginxMasterPID(this.settings.nginxPIDFile);
      return { ok: { pid, loadedHash: await loadedConfigHash(this.settings.nginxURL, ASK_TIMEOUT_MS) } };
    } catch (err) {
      return { problem: errorMessage(err) };
    }
  }

  /**
   * Signals nginx, then asks it until it answers with `hash` (loaded), its error log gains lines (it
   * refused: nginx writes why, and keeps the old workers), or the timeout passes.
   */
  private async reload(pid: number, hash: string): Promise<ReloadOutcome> {
    await this.errorLog.mark();
    const started = performance.now();
    try {
      signalReload(pid);
    } catch (err) {
      return { kind: 'refused', error: errorMessage(err) };
    }
    for (;;) {
      await sleep(RELOAD_CHECK_INTERVAL_MS);
      const loaded = await loadedConfigHash(this.settings.nginxURL, ASK_TIMEOUT_MS).catch(() => undefined);
      const seconds = (performance.now() - started) / 1000;
      if (loaded === hash) return { kind: 'loaded', seconds: Math.round(seconds * 1000) / 1000 };
      const errors = await this.errorLog.sinceMark();
      if (errors !== '') return { kind: 'refused', error: errors };
      if (seconds * 1000 > this.settings.reloadTimeoutMs) {
        return {
          kind: 'refused',
          error: `nginx did not answer with the new configuration within ${this.settings.reloadTimeoutMs / 1000} s`,
        };
      }
    }
  }
}
