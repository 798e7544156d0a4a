// What the reflector does after a list or watch failed: whether it lists again before watching, and how
// long it waits first. Waiting is for failures that waiting can help, so that a server which answers again
// gets a current cache at once instead of after the backoff its outage built up:
// - 410 Gone/Expired: the resourceVersion is no longer served (the API server restarted with a fresh
//   watch cache, or etcd compacted). Only a relist helps and the server is answering, so relist at once;
//   but a 410 again before any watch event since the last one means the relist itself does not help,
//   and that loop backs off.
// - connection refused: nothing listens (the API server is restarting). The attempt never reached a
//   server, so it is retried about every second, not after a growing delay, to find it as soon as it is
//   back.
// - anything else (5xx, 429, 403, a reset or undecodable stream, silence): the jittered exponential backoff.
import { isConnectionRefused, isGone } from '../../../shared/kube/api-error.ts';

export type RecoveryWait = 'none' | 'refused' | 'backoff';

export interface Recovery {
  relist: boolean;
  wait: RecoveryWait;
}

/** `goneSinceProgress`: 410s answered since a watch last delivered an event. */
export function recoveryAfter(err: unknown, goneSinceProgress: number): Recovery {
  if (isGone(err)) return { relist: true, wait: goneSinceProgress === 0 ? 'none' : 'backoff' };
  if (isConnectionRefused(err)) return { relist: false, wait: 'refused' };
  return { relist: false, wait: 'backoff' };
}
