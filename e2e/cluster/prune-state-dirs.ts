// Every cluster keeps its state directory (logs included) after it stops, for reading after a failure;
// the oldest stopped ones are removed so that `.e2e/` does not grow without bound.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readClusterState } from './cluster-state.ts';
import { isRunning } from './process-group.ts';

const KEEP_STOPPED = 10;

function isStopped(stateDir: string): boolean {
  try {
    const state = readClusterState(stateDir);
    return state.stopped || state.components.every((c) => !isRunning(c.pid));
  } catch {
    // No readable record: a directory left by a start that died before writing one.
    return true;
  }
}

export function pruneStoppedClusters(stateRoot: string): void {
  let entries: string[];
  try {
    entries = readdirSync(stateRoot).filter((name) => name.startsWith('cluster-'));
  } catch {
    return;
  }
  // Cluster ids start with a UTC timestamp, so names sort oldest first.
  const stopped = entries.sort().filter((name) => isStopped(join(stateRoot, name)));
  for (const name of stopped.slice(0, Math.max(0, stopped.length - KEEP_STOPPED))) {
    rmSync(join(stateRoot, name), { recursive: true, force: true });
  }
}
