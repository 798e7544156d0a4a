// The hash of a configuration, stamped on a pod template so that a changed configuration rolls the pods
// (a mounted ConfigMap changes under running pods, but the processes in them do not reload it).
import { createHash } from 'node:crypto';
import { canonicalJSON } from '../../shared/util/json.ts';

export function configHash(data: Record<string, string>): string {
  return createHash('sha256').update(canonicalJSON(data)).digest('hex').slice(0, 32);
}
