// What a gateway pod's reloader answers at `GET /status` on its status port: the configuration mounted in
// the pod, the one nginx runs, and the last one nginx refused. The controller reads it from every ready
// gateway pod to tell when a route is served; the reloader writes it. One definition for both sides.

export const RELOADER_STATUS_PATH = '/status';

export interface RefusedConfig {
  hash: string;
  /** nginx's own words (its error log), or why the reloader gave up waiting. */
  error: string;
}

export interface ReloaderStatus {
  /** Hash of the configuration the kubelet has mounted now; null while it cannot be read. */
  mountedHash: string | null;
  /** Hash nginx answers with now; null while nginx does not answer. */
  loadedHash: string | null;
  /** The latest configuration nginx refused (it kept running the one before); null when none. */
  refused: RefusedConfig | null;
  /** Why the mounted configuration or nginx cannot be read; null when both can. */
  problem: string | null;
  /** How long the last successful reload took, from the signal to nginx answering with the new hash. */
  lastReloadSeconds: number | null;
}

class ReloaderStatusFormatError extends Error {
  constructor(detail: string) {
    super(`the reloader's status is not what this controller reads: ${detail}`);
    this.name = 'ReloaderStatusFormatError';
  }
}

const HASH = /^[0-9a-f]{64}$/;

function hashOrNull(value: unknown, field: string): string | null {
  if (value === null) return null;
  if (typeof value === 'string' && HASH.test(value)) return value;
  throw new ReloaderStatusFormatError(`${field} is neither null nor a sha256 hex hash`);
}

/**
 * The most of a reloader's text that reaches a route's status: nginx's words fit many times over, and a
 * condition message (at most 32,768 characters) stays writable whatever a pod sends.
 */
export const MAX_RELOADER_TEXT = 4096;

function bounded(text: string): string {
  return text.length <= MAX_RELOADER_TEXT ? text : `${text.slice(0, MAX_RELOADER_TEXT)}… (cut)`;
}

function hash(value: unknown, field: string): string {
  if (typeof value === 'string' && HASH.test(value)) return value;
  throw new ReloaderStatusFormatError(`${field} is not a sha256 hex hash`);
}

/** The status in a body the reloader sent; throws ReloaderStatusFormatError for anything else. */
export function parseReloaderStatus(body: string): ReloaderStatus {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new ReloaderStatusFormatError('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new ReloaderStatusFormatError('not an object');
  const refused = parsed.refused as Record<string, unknown> | null | undefined;
  if (refused !== null && (typeof refused !== 'object' || typeof refused?.error !== 'string')) {
    throw new ReloaderStatusFormatError('refused is neither null nor { hash, error }');
  }
  const problem = parsed.problem;
  if (problem !== null && typeof problem !== 'string') {
    throw new ReloaderStatusFormatError('problem is neither null nor text');
  }
  const seconds = parsed.lastReloadSeconds;
  if (seconds !== null && typeof seconds !== 'number') {
    throw new ReloaderStatusFormatError('lastReloadSeconds is neither null nor a number');
  }
  return {
    mountedHash: hashOrNull(parsed.mountedHash, 'mountedHash'),
    loadedHash: hashOrNull(parsed.loadedHash, 'loadedHash'),
    refused:
      refused === null
        ? null
        : { hash: hash(refused.hash, 'refused.hash'), error: bounded(refused.error as string) },
    problem: problem === null ? null : bounded(problem),
    lastReloadSeconds: seconds,
  };
}
