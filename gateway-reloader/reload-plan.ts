// What the reloader does next and what it reports, decided from what it sees: the configuration mounted
// now and the one nginx answers with. Level-based: whatever happened in between (missed file events, an
// nginx restart, a reload by someone else), one look tells what is needed. A configuration nginx refused
// is not offered again until the mount holds another one: nginx would only refuse it again.
import type { RefusedConfig, ReloaderStatus } from '../shared/gateway/reloader-status.ts';

type Seen<T> = { ok: T } | { problem: string };

export interface Observation {
  mounted: Seen<{ version: string; hash: string }>;
  nginx: Seen<{ pid: number; loadedHash: string }>;
}

/** What the reloader remembers between looks. */
export interface ReloadMemory {
  refused: RefusedConfig | null;
  lastReloadSeconds: number | null;
}

export type ReloadOutcome = { kind: 'loaded'; seconds: number } | { kind: 'refused'; error: string };

export type Step = { kind: 'reload'; pid: number; hash: string } | { kind: 'none' };

export const EMPTY_MEMORY: ReloadMemory = { refused: null, lastReloadSeconds: null };

export function planStep(seen: Observation, memory: ReloadMemory): Step {
  if (!('ok' in seen.mounted) || !('ok' in seen.nginx)) return { kind: 'none' };
  const { hash } = seen.mounted.ok;
  if (hash === seen.nginx.ok.loadedHash || hash === memory.refused?.hash) return { kind: 'none' };
  return { kind: 'reload', pid: seen.nginx.ok.pid, hash };
}

/** The memory after a reload of `hash` ended with `outcome`. */
export function afterReload(memory: ReloadMemory, hash: string, outcome: ReloadOutcome): ReloadMemory {
  return outcome.kind === 'loaded'
    ? { refused: null, lastReloadSeconds: outcome.seconds }
    : { ...memory, refused: { hash, error: outcome.error } };
}

/** The memory after a look: a refusal is forgotten once nginx runs that configuration after all. */
export function afterLook(memory: ReloadMemory, seen: Observation): ReloadMemory {
  const loaded = 'ok' in seen.nginx ? seen.nginx.ok.loadedHash : undefined;
  return memory.refused !== null && memory.refused.hash === loaded ? { ...memory, refused: null } : memory;
}

export function reloaderStatus(seen: Observation, memory: ReloadMemory): ReloaderStatus {
  const problems = [seen.mounted, seen.nginx].flatMap((s) => ('problem' in s ? [s.problem] : []));
  return {
    mountedHash: 'ok' in seen.mounted ? seen.mounted.ok.hash : null,
    loadedHash: 'ok' in seen.nginx ? seen.nginx.ok.loadedHash : null,
    refused: memory.refused,
    problem: problems.length > 0 ? problems.join('; ') : null,
    lastReloadSeconds: memory.lastReloadSeconds,
  };
}
