// Warnings for objects an object refers to but that do not exist. Lookups are cached briefly (a burst of
// applies asks about the same Service once) and bounded in time, and a lookup that fails says nothing:
// a warning must never slow down or block admission.
import type { Logger } from '../../shared/logging/logger.ts';
import { systemClock } from '../../shared/time/clock.ts';
import type { Clock, Timer } from '../../shared/time/clock.ts';
import { errorMessage } from '../../shared/util/error-message.ts';
import type { ObjectReference, ReferencedKind } from '../domain/webhook-domain.ts';

export interface ReferenceChecker {
  /** One warning per reference known to be missing. */
  check(refs: readonly ObjectReference[]): Promise<string[]>;
}

/** Whether the object exists; throws when the API server cannot tell (network, permissions). */
export type ObjectExists = (kind: ReferencedKind, namespace: string, name: string) => Promise<boolean>;

export interface CachedReferenceCheckerOptions {
  exists: ObjectExists;
  /** The kinds looked up; references to others are not checked (looking up Secrets needs get on them). */
  kinds: readonly ReferencedKind[];
  logger: Logger;
  /** How long an answer is reused. */
  ttlMs: number;
  /** How long one lookup may take before it is given up. */
  timeoutMs: number;
  /** Default: the system clock. */
  clock?: Clock;
}

interface CacheEntry {
  exists: Promise<boolean | undefined>;
  expiresAt: number;
}

const MAX_CACHE_ENTRIES = 10_000;

export function missingReferenceWarning(ref: ObjectReference): string {
  return `${ref.field}: ${ref.kind} "${ref.name}" not found in namespace "${ref.namespace}"; the object is accepted and will be used once it exists`;
}

function withTimeout<T>(clock: Clock, promise: Promise<T>, ms: number): Promise<T> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimer(() => reject(new Error(`lookup timed out after ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => timer?.cancel());
}

export function createCachedReferenceChecker(opts: CachedReferenceCheckerOptions): ReferenceChecker {
  const clock = opts.clock ?? systemClock;
  const cache = new Map<string, CacheEntry>();

  function lookup(ref: ObjectReference): Promise<boolean | undefined> {
    const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
    const hit = cache.get(key);
    if (hit && hit.expiresAt > clock.now()) return hit.exists;
    if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
    const exists = withTimeout(clock, opts.exists(ref.kind, ref.namespace, ref.name), opts.timeoutMs).catch(
      (err: unknown) => {
        opts.logger.debug('reference lookup failed', {
          kind: ref.kind,
          namespace: ref.namespace,
          name: ref.name,
          error: errorMessage(err),
        });
        return undefined;
      },
    );
    cache.set(key, { exists, expiresAt: clock.now() + opts.ttlMs });
    return exists;
  }

  return {
    async check(refs) {
      const checked = refs.filter((r) => opts.kinds.includes(r.kind));
      const found = await Promise.all(checked.map(lookup));
      return checked.filter((_, i) => found[i] === false).map(missingReferenceWarning);
    },
  };
}

/** For a webhook running without cluster access: nothing can be looked up, so nothing is said. */
export const noReferenceChecks: ReferenceChecker = { check: () => Promise.resolve([]) };
