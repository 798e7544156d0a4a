// The Events the controller recorded about an object, as `kubectl describe` would show them.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import { EVENTS } from '../../../shared/kube/well-known-resources.ts';

export interface RecordedEvent extends KubeObject {
  type: string;
  reason: string;
  note?: string;
  regarding: { kind: string; name: string };
}

/** The events.k8s.io/v1 Events in `namespace` regarding the object of that kind and name. */
export async function eventsAbout(
  api: KubeAPI,
  namespace: string,
  kind: string,
  name: string,
): Promise<RecordedEvent[]> {
  const { items } = await api.list<RecordedEvent>(EVENTS, { namespace });
  return items.filter((e) => e.regarding.kind === kind && e.regarding.name === name);
}
