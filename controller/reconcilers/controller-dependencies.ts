// What every reconciler of this operator works with, built once per process.
import type { KubeAPI } from '../../shared/kube/kube-api.ts';
import type { ServerSideApplier } from '../runtime/apply/server-side-applier.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { EventRecorder } from '../runtime/events/event-recorder.ts';
import type { OperatorCaches } from './operator-caches.ts';

export interface ControllerDependencies {
  api: KubeAPI;
  caches: OperatorCaches;
  applier: ServerSideApplier;
  events: Pick<EventRecorder, 'event'>;
  clock: Clock;
  /** Concurrent reconciles per controller. */
  workers: number;
}
