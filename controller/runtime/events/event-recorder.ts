// Records events.k8s.io/v1 Events about objects (what `kubectl describe` and `kubectl events` show),
// without letting a reconcile hot loop flood the API server:
// - the same event (object, type, reason, action, note) repeated within the series window becomes one
//   Event whose series.count and series.lastObservedTime are patched at most once per heartbeat;
// - each object may start at most `burst` distinct Events, refilled slowly, so ever-changing notes
//   cannot create unbounded Events either;
// - tracking is bounded in memory, and failures are logged, never thrown: events are best effort.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { isNotFound } from '../../../shared/kube/api-error.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import { toMicroTime } from '../../../shared/kube/micro-time.ts';
import { EVENTS } from '../../../shared/kube/well-known-resources.ts';
import type { Logger } from '../../../shared/logging/logger.ts';
import type { Clock, Timer } from '../../../shared/time/clock.ts';
import { TokenBucket } from '../../../shared/time/token-bucket.ts';
import { errorMessage } from '../../../shared/util/error-message.ts';

type EventType = 'Normal' | 'Warning';

export interface EventInput {
  type: EventType;
  /** UpperCamelCase, machine-readable: why the action was taken, e.g. 'InvalidSpec'. */
  reason: string;
  /** UpperCamelCase, what was done or failed, e.g. 'Reconcile'. */
  action: string;
  /** Human-readable detail, at most 1 kB. */
  note: string;
}

export interface EventRecorderOptions {
  api: KubeAPI;
  clock: Clock;
  logger: Logger;
  /** e.g. 'gateway.example.com/ai-gateway-operator'. */
  reportingController: string;
  /** This process, e.g. the pod name. */
  reportingInstance: string;
  seriesWindowMs?: number;
  heartbeatMs?: number;
  /** Distinct Events one object may start in a burst, and how fast that allowance refills. */
  burst?: number;
  refillEveryMs?: number;
  maxTracked?: number;
}

interface Series {
  name: string;
  namespace: string;
  count: number;
  lastObservedAt: number;
  /** Repeats not yet written to the API server. */
  dirty: boolean;
  created: Promise<boolean>;
}

const NOTE_LIMIT = 1024;
// The same values client-go's event broadcaster uses for isomorphic events.
const DEFAULT_SERIES_WINDOW_MS = 6 * 60_000;
const DEFAULT_HEARTBEAT_MS = 30_000;
const DEFAULT_BURST = 25;
const DEFAULT_REFILL_EVERY_MS = 5 * 60_000;
const DEFAULT_MAX_TRACKED = 4096;

function objectID(o: KubeObject): string {
  return o.metadata.uid ?? `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

export class EventRecorder {
  private readonly opts: EventRecorderOptions;
  private readonly series = new Map<string, Series>();
  /** Per object, the distinct Events it may still start; least recently allowed first. */
  private readonly allowances = new Map<string, TokenBucket>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private heartbeat: Timer | undefined;
  private sequence = 0n;

  constructor(opts: EventRecorderOptions) {
    this.opts = opts;
  }

  /** Records that `input` happened to `regarding`; returns at once and never throws. */
  event(regarding: KubeObject, input: EventInput): void {
    const now = this.opts.clock.now();
    const key = JSON.stringify([objectID(regarding), input.type, input.reason, input.action, input.note]);
    const existing = this.series.get(key);
    if (existing && now - existing.lastObservedAt < (this.opts.seriesWindowMs ?? DEFAULT_SERIES_WINDOW_MS)) {
      existing.count++;
      existing.lastObservedAt = now;
      existing.dirty = true;
      this.armHeartbeat();
      return;
    }
    if (!this.allow(objectID(regarding))) {
      this.opts.logger.debug('event dropped: too many events for this object', {
        namespace: regarding.metadata.namespace,
        name: regarding.metadata.name,
        reason: input.reason,
      });
      return;
    }
    this.startSeries(key, regarding, input, now);
  }

  /** Writes pending series updates now and waits for every write in flight (tests, shutdown). */
  async flush(): Promise<void> {
    this.heartbeat?.cancel();
    this.heartbeat = undefined;
    this.writeSeries();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private startSeries(key: string, regarding: KubeObject, input: EventInput, now: number): void {
    const namespace = regarding.metadata.namespace || 'default';
    const name = `${regarding.metadata.name ?? 'object'}.${(BigInt(now) * 1_000_000n + this.sequence++).toString(16)}`;
    const event: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
      eventTime: toMicroTime(now),
      reportingController: this.opts.reportingController,
      reportingInstance: this.opts.reportingInstance,
      action: input.action,
      reason: input.reason,
      type: input.type,
      note: input.note.length > NOTE_LIMIT ? `${input.note.slice(0, NOTE_LIMIT - 3)}...` : input.note,
      regarding: {
        apiVersion: regarding.apiVersion,
        kind: regarding.kind,
        name: regarding.metadata.name,
        ...(regarding.metadata.namespace ? { namespace: regarding.metadata.namespace } : {}),
        ...(regarding.metadata.uid ? { uid: regarding.metadata.uid } : {}),
        ...(regarding.metadata.resourceVersion
          ? { resourceVersion: regarding.metadata.resourceVersion }
          : {}),
      },
    };
    const created = this.track(
      this.opts.api.create(EVENTS, event).then(
        () => true,
        (err: unknown) => {
          this.opts.logger.warn('could not record event', {
            namespace: regarding.metadata.namespace,
            name: regarding.metadata.name,
            reason: input.reason,
            error: errorMessage(err),
          });
          this.series.delete(key);
          return false;
        },
      ),
    );
    this.series.delete(key);
    this.series.set(key, { name, namespace, count: 1, lastObservedAt: now, dirty: false, created });
    this.evictOldest();
  }

  private writeSeries(): void {
    const window = this.opts.seriesWindowMs ?? DEFAULT_SERIES_WINDOW_MS;
    const now = this.opts.clock.now();
    for (const [key, series] of this.series) {
      if (series.dirty) {
        series.dirty = false;
        const patch = {
          series: { count: series.count, lastObservedTime: toMicroTime(series.lastObservedAt) },
        };
        this.track(
          series.created.then(async (ok) => {
            if (!ok) return;
            try {
              await this.opts.api.patch(
                EVENTS,
                { namespace: series.namespace, name: series.name },
                'merge',
                patch,
              );
            } catch (err) {
              // An Event the API server already expired cannot be updated; the next repeat starts a new one.
              if (isNotFound(err)) this.series.delete(key);
              else
                this.opts.logger.warn('could not update event series', {
                  event: series.name,
                  error: errorMessage(err),
                });
            }
          }),
        );
      } else if (now - series.lastObservedAt >= window) {
        this.series.delete(key);
      }
    }
  }

  private armHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = this.opts.clock.setTimer(() => {
      this.heartbeat = undefined;
      this.writeSeries();
    }, this.opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  }

  private allow(object: string): boolean {
    const allowance =
      this.allowances.get(object) ??
      new TokenBucket(this.opts.clock, {
        burst: this.opts.burst ?? DEFAULT_BURST,
        refillEveryMs: this.opts.refillEveryMs ?? DEFAULT_REFILL_EVERY_MS,
      });
    if (!allowance.tryTake()) return false;
    this.allowances.delete(object);
    this.allowances.set(object, allowance);
    return true;
  }

  private evictOldest(): void {
    const max = this.opts.maxTracked ?? DEFAULT_MAX_TRACKED;
    for (const map of [this.series, this.allowances] as Map<string, unknown>[]) {
      while (map.size > max) {
        const oldest = map.keys().next().value;
        if (oldest === undefined) break;
        map.delete(oldest);
      }
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const settled = () => this.inFlight.delete(promise);
    promise.then(settled, settled);
    return promise;
  }
}
