// Keeps a sink in step with one collection on the API server: list (paginated), then watch from the
// list's resourceVersion with bookmarks, forever. Every way a watch can end is handled:
// - the server closes it (timeoutSeconds ran out): watch again at once from the last resourceVersion;
// - 410 Gone (HTTP status or ERROR event): relist at once, and the sink learns what vanished or changed;
// - connection refused (the API server is restarting): retry about every second;
// - any other error, or a stream that never connects: retry with jittered exponential backoff, which a
//   successful list or a watch that delivers events resets (see recovery.ts for why each waits as it does);
// - a stream that goes silent (no event, no bookmark) for `inactivityTimeoutMs`: drop it and reconnect,
//   because a half-open TCP connection otherwise looks like a quiet cluster forever.
// A resource that may not be served (a CRD not installed, `absentRetryMs` set) reads as an empty
// collection while the server answers 404, listed again every `absentRetryMs`; when it is removed, the
// sink learns that everything in it went away.
// It never stops on its own; only the caller's signal ends it.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { APIError, isNotFound } from '../../../shared/kube/api-error.ts';
import type { KubeAPI, SelectorOptions, WatchEvent } from '../../../shared/kube/kube-api.ts';
import { describeResource } from '../../../shared/kube/resource.ts';
import type { ResourceDescriptor } from '../../../shared/kube/resource.ts';
import type { Logger } from '../../../shared/logging/logger.ts';
import { DEFAULT_BACKOFF, ExponentialBackoff } from '../../../shared/time/exponential-backoff.ts';
import type { BackoffOptions } from '../../../shared/time/exponential-backoff.ts';
import { sleep } from '../../../shared/time/clock.ts';
import type { Clock, Timer } from '../../../shared/time/clock.ts';
import { errorMessage } from '../../../shared/util/error-message.ts';
import { recoveryAfter } from './recovery.ts';
import type { RecoveryWait } from './recovery.ts';

/** Receives the collection's content: whole after each list, one change at a time from the watch. */
export interface ReflectorSink<T extends KubeObject> {
  replace(objects: T[]): void;
  upsert(object: T): void;
  remove(object: T): void;
}

export interface ReflectorOptions<T extends KubeObject> {
  api: KubeAPI;
  resource: ResourceDescriptor;
  selector?: SelectorOptions;
  sink: ReflectorSink<T>;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  pageSize?: number;
  /** Each watch asks the server to end it after between this and twice this many seconds. */
  minWatchTimeoutSeconds?: number;
  /** No event or bookmark for this long means the stream is dead. Bookmarks arrive about once a minute. */
  inactivityTimeoutMs?: number;
  /** Failing for longer than this (without a stable watch) makes the reflector unhealthy. */
  unhealthyAfterMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Delay before retrying a refused connection (jittered like the backoff; the backoff does not grow). */
  refusedRetryMs?: number;
  /**
   * Set for a resource that may not be served (its CRD not installed): a 404 reads as an empty, synced
   * collection, and the list is tried again after this many milliseconds.
   */
  absentRetryMs?: number;
}

export interface ReflectorHealth {
  healthy: boolean;
  synced: boolean;
  /** A watch stream is open right now. */
  watching: boolean;
  lastError?: string;
}

class WatchInactiveError extends Error {
  readonly resource: string;
  readonly silentForMs: number;
  constructor(resource: string, silentForMs: number) {
    super(`${resource}: watch stream silent for ${silentForMs} ms`);
    this.name = 'WatchInactiveError';
    this.resource = resource;
    this.silentForMs = silentForMs;
  }
}

class WatchClosedEarlyError extends Error {
  readonly resource: string;
  readonly afterMs: number;
  constructor(resource: string, afterMs: number) {
    super(`${resource}: watch stream closed after ${afterMs} ms without any event`);
    this.name = 'WatchClosedEarlyError';
    this.resource = resource;
    this.afterMs = afterMs;
  }
}

const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_MIN_WATCH_TIMEOUT_SECONDS = 300;
const DEFAULT_INACTIVITY_TIMEOUT_MS = 150_000;
const DEFAULT_UNHEALTHY_AFTER_MS = 30_000;
const DEFAULT_REFUSED_RETRY_MS = 1_000;
// A connected watch that lasted this long proves the path to the server works.
const STABLE_WATCH_MS = 10_000;
// A clean close sooner than this with no events is treated as a failure, so it cannot become a hot loop.
const MIN_CLEAN_WATCH_MS = 1_000;

interface WatchAttempt {
  connectedAt: number | undefined;
  events: number;
}

export class Reflector<T extends KubeObject> {
  private readonly opts: ReflectorOptions<T>;
  private readonly name: string;
  private readonly logger: Logger;
  private readonly backoff: ExponentialBackoff;
  private readonly random: () => number;
  private resourceVersion = '';
  /** 410s answered since a watch last delivered an event; more than one in a row is a relist loop. */
  private goneSinceProgress = 0;
  private synced = false;
  private failingSince: number | undefined;
  private connectedSince: number | undefined;
  private lastError: string | undefined;
  private absent = false;

  constructor(opts: ReflectorOptions<T>) {
    this.opts = opts;
    this.name = describeResource(opts.resource);
    this.random = opts.random ?? Math.random;
    this.logger = opts.logger.child({
      resource: this.name,
      ...(opts.selector?.namespace ? { namespace: opts.selector.namespace } : {}),
      ...(opts.selector?.labelSelector ? { labelSelector: opts.selector.labelSelector } : {}),
    });
    this.backoff = new ExponentialBackoff(opts.clock, opts.backoff, this.random);
  }

  /** The resourceVersion the next watch resumes from (opaque). */
  get lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** True once the first complete list has reached the sink. */
  get hasSynced(): boolean {
    return this.synced;
  }

  /** Unhealthy once it has been failing for longer than `unhealthyAfterMs` without a stable watch. */
  health(): ReflectorHealth {
    const now = this.opts.clock.now();
    const stable = this.connectedSince !== undefined && now - this.connectedSince >= STABLE_WATCH_MS;
    const failingFor = this.failingSince === undefined ? 0 : now - this.failingSince;
    const healthy = stable || failingFor <= (this.opts.unhealthyAfterMs ?? DEFAULT_UNHEALTHY_AFTER_MS);
    return {
      healthy,
      synced: this.synced,
      watching: this.connectedSince !== undefined,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Lists and watches until `signal` aborts; never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          if (!(await this.listOrAbsent(signal))) {
            await sleep(this.opts.clock, this.opts.absentRetryMs ?? 0, signal);
            continue;
          }
          needList = false;
        }
        await this.watch(signal);
      } catch (err) {
        if (signal.aborted) break;
        if (this.opts.absentRetryMs !== undefined && isNotFound(err)) {
          // The resource went away while watched: the list finds out, and empties the sink.
          needList = true;
          continue;
        }
        const recovery = recoveryAfter(err, this.goneSinceProgress);
        if (recovery.relist) {
          needList = true;
          this.goneSinceProgress++;
        }
        const fields = { error: errorMessage(err), relist: needList, resourceVersion: this.resourceVersion };
        if (recovery.wait === 'none') {
          this.logger.info('resourceVersion no longer served; relisting at once', fields);
          continue;
        }
        const delayMs = this.delayFor(recovery.wait, err);
        this.logger.warn('list/watch failed; retrying', { ...fields, retryInMs: delayMs });
        await sleep(this.opts.clock, delayMs, signal);
      }
    }
    this.connectedSince = undefined;
  }

  /** Lists; false when the resource is not served and may not be (the sink then holds nothing). */
  private async listOrAbsent(signal: AbortSignal): Promise<boolean> {
    try {
      await this.list(signal);
    } catch (err) {
      if (this.opts.absentRetryMs === undefined || !isNotFound(err)) throw err;
      if (!this.absent) {
        this.logger.info('resource not served; read as empty until it is', {
          retryInMs: this.opts.absentRetryMs,
        });
      }
      this.absent = true;
      this.opts.sink.replace([]);
      this.resourceVersion = '';
      this.recordProgress();
      this.synced = true;
      return false;
    }
    if (this.absent) this.logger.info('resource served again');
    this.absent = false;
    return true;
  }

  private async list(signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string;
    do {
      const page = await this.opts.api.list<T>(this.opts.resource, {
        ...this.opts.selector,
        limit: this.opts.pageSize ?? DEFAULT_PAGE_SIZE,
        ...(continueToken ? { continueToken } : {}),
        signal,
      });
      for (const item of page.items) items.push(item);
      continueToken = page.continueToken;
      resourceVersion = page.resourceVersion;
    } while (continueToken && !signal.aborted);
    if (signal.aborted) return;
    this.opts.sink.replace(items);
    this.resourceVersion = resourceVersion;
    this.recordSuccess();
    // A list that follows a repeated 410 proves nothing about the watch, so that loop keeps backing off.
    if (this.goneSinceProgress <= 1) this.backoff.reset();
    if (!this.synced) this.logger.info('cache synced', { objects: items.length, resourceVersion });
    this.synced = true;
  }

  private async watch(outer: AbortSignal): Promise<void> {
    const clock = this.opts.clock;
    const inactivityMs = this.opts.inactivityTimeoutMs ?? DEFAULT_INACTIVITY_TIMEOUT_MS;
    const minTimeout = this.opts.minWatchTimeoutSeconds ?? DEFAULT_MIN_WATCH_TIMEOUT_SECONDS;
    const timeoutSeconds = Math.round(minTimeout * (1 + this.random()));
    const controller = new AbortController();
    const forward = () => controller.abort(outer.reason);
    outer.addEventListener('abort', forward, { once: true });
    const attempt: WatchAttempt = { connectedAt: undefined, events: 0 };
    const startedAt = clock.now();
    let lastActivity = startedAt;
    let timer: Timer | undefined;
    const checkActivity = () => {
      const silentFor = clock.now() - lastActivity;
      if (silentFor >= inactivityMs) controller.abort(new WatchInactiveError(this.name, silentFor));
      else timer = clock.setTimer(checkActivity, inactivityMs - silentFor);
    };
    timer = clock.setTimer(checkActivity, inactivityMs);
    try {
      const stream = this.opts.api.watch<T>(this.opts.resource, {
        ...this.opts.selector,
        resourceVersion: this.resourceVersion,
        timeoutSeconds,
        allowWatchBookmarks: true,
        signal: controller.signal,
        onConnected: () => {
          attempt.connectedAt = clock.now();
          this.connectedSince = attempt.connectedAt;
          lastActivity = attempt.connectedAt;
        },
      });
      for await (const event of stream) {
        lastActivity = clock.now();
        this.apply(event);
        if (++attempt.events === 1) this.recordProgress();
      }
    } catch (err) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
      if (reason instanceof WatchInactiveError && attempt.connectedAt !== undefined) {
        // A stream that went silent after connecting is replaced at once; it says nothing about the server.
        this.logger.info('watch stream went silent; reconnecting', { silentForMs: reason.silentForMs });
        return;
      }
      throw reason instanceof WatchInactiveError ? reason : err;
    } finally {
      timer?.cancel();
      outer.removeEventListener('abort', forward);
      if (attempt.connectedAt !== undefined && clock.now() - attempt.connectedAt >= STABLE_WATCH_MS) {
        this.recordProgress();
      }
      this.connectedSince = undefined;
    }
    const lasted = clock.now() - startedAt;
    if (!outer.aborted && attempt.events === 0 && lasted < MIN_CLEAN_WATCH_MS) {
      throw new WatchClosedEarlyError(this.name, lasted);
    }
  }

  private apply(event: WatchEvent<T>): void {
    switch (event.type) {
      case 'ERROR': {
        const status = event.status;
        throw new APIError('WATCH', this.name, status.code ?? 500, status);
      }
      case 'BOOKMARK':
        break;
      case 'ADDED':
      case 'MODIFIED':
        this.opts.sink.upsert(event.object);
        break;
      case 'DELETED':
        this.opts.sink.remove(event.object);
        break;
    }
    const rv = event.object.metadata.resourceVersion;
    if (rv) this.resourceVersion = rv;
  }

  private recordSuccess(): void {
    this.failingSince = undefined;
    this.lastError = undefined;
  }

  /** The watch works: its resourceVersion is served and the path to the server holds. */
  private recordProgress(): void {
    this.recordSuccess();
    this.goneSinceProgress = 0;
    this.backoff.reset();
  }

  private delayFor(wait: Exclude<RecoveryWait, 'none'>, err: unknown): number {
    this.failingSince ??= this.opts.clock.now();
    this.lastError = errorMessage(err);
    if (wait === 'backoff') return this.backoff.next();
    const jitter = this.opts.backoff?.jitter ?? DEFAULT_BACKOFF.jitter;
    return Math.round((this.opts.refusedRetryMs ?? DEFAULT_REFUSED_RETRY_MS) * (1 - jitter * this.random()));
  }
}
