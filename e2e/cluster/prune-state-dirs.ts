// Every cluster keeps its state directory (logs included) after it stops, for reading after a failure;
// stopped ones are removed once they are a few days old, so that `.e2e/` does not grow without bound.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readClusterState } from './cluster-state.ts';
import type { ClusterState } from './cluster-state.ts';
import { isRunning } from './process-group.ts';

/** Long enough to read the logs of last night's failed run, short enough to keep `.e2e/` small. */
const KEEP_STOPPED_MS = 3 * 24 * 60 * 60 * 1000;

function removeIfStopped(stateDir: string): void {
  let state: ClusterState | undefined;
  try {
    state = readClusterState(stateDir);
  } catch {
    // No readable record: a directory left by a start that died before writing one.
  }
  if (state && !state.stopped && state.components.some((c) => isRunning(c.pid))) return;
  // A cluster whose owner was killed never got to remove its etcd data.
  if (state?.etcdDataDir) rmSync(state.etcdDataDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
}

export function pruneStoppedClusters(stateRoot: string, now: number = Date.now()): void {
  let entries: string[];
  try {
    entries = readdirSync(stateRoot).filter((name) => name.startsWith('cluster-'));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(stateRoot, name);
    // Every update of cluster.json (the last is at stop) replaces it, which moves the directory's mtime.
    const modified = statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? now;
    if (now - modified > KEEP_STOPPED_MS) removeIfStopped(dir);
  }
}
