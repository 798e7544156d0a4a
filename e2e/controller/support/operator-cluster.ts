// What the controller's e2e tests and benchmark need from the cluster: the CRDs installed, a namespace of
// their own, typed reads of what the controller made, and a count of the writes the API server served
// for the resources the controller writes.
import type { KubeObject } from '../../../shared/kube/meta-v1-types.ts';
import { isAlreadyExists, isNotFound } from '../../../shared/kube/api-error.ts';
import type { HTTPKubeAPI } from '../../../shared/kube/http/http-kube-api.ts';
import type { KubeAPI } from '../../../shared/kube/kube-api.ts';
import type { ObjectRef, ResourceDescriptor } from '../../../shared/kube/resource.ts';
import type { MetricSample } from '../../cluster/prometheus-text.ts';
import { fakeNodeManifest } from '../../cluster/fake-node.ts';
import { waitFor } from '../../setup/cluster-env.ts';
import { installCRDs } from '../../setup/crds.ts';
import { NAMESPACES, clusterAPI, createNamespace } from '../../runtime/support/cluster-api.ts';

export { createNamespace, deleteNamespace } from '../../runtime/support/cluster-api.ts';

const NODES: ResourceDescriptor = {
  group: '',
  version: 'v1',
  resource: 'nodes',
  kind: 'Node',
  namespaced: false,
};

/**
 * A kwok-managed Node pods can be scheduled on. The API server taints every new Node not-ready, and
 * without a node lifecycle controller nothing lifts that taint, so it is removed here once kwok has
 * reported the Node Ready.
 */
export async function ensureSchedulableNode(api: KubeAPI, name: string): Promise<void> {
  try {
    await api.create(NODES, fakeNodeManifest(name) as KubeObject);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  await waitFor(
    async () => {
      const node = await api.get<
        KubeObject & { status?: { conditions?: { type: string; status: string }[] } }
      >(NODES, { name });
      return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    },
    { description: `Node ${name} to be Ready`, timeoutMs: 60_000 },
  );
  await api.patch(NODES, { name }, 'merge', { spec: { taints: null } });
}

/**
 * Where each controller e2e file starts: a client of the cluster, the CRDs installed, a Node pods can run
 * on, and a namespace of the file's own (its controllers are limited to it with --namespaces).
 */
export async function prepareTestNamespace(prefix: string): Promise<{ api: HTTPKubeAPI; namespace: string }> {
  const api = clusterAPI();
  await installCRDs();
  await ensureSchedulableNode(api, 'controller-e2e-node');
  return { api, namespace: await createNamespace(api, prefix) };
}

/** The object, or undefined when it does not exist. */
export async function getObject<T extends KubeObject>(
  api: KubeAPI,
  resource: ResourceDescriptor,
  ref: ObjectRef,
): Promise<T | undefined> {
  try {
    return await api.get<T>(resource, ref);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export interface ControllerWrites {
  /** Server-side applies and deletes of ConfigMaps, Services and Deployments. */
  children: number;
  /** Status updates of APIGatewayRoutes and AIModels. */
  status: number;
}

// The controller writes children only by server-side apply (verb APPLY) and delete; other writers of
// these resources use other verbs (the Deployment controller PUTs revision annotations, the garbage
// collector PATCHes ownerReferences), so counting these verbs counts the controller's own writes.
const CHILD_RESOURCES = new Set(['configmaps', 'services', 'deployments']);
const CHILD_VERBS = new Set(['APPLY', 'DELETE']);
/** One object, not a collection: the namespace controller deletes whole collections. */
const OBJECT_SCOPE = 'resource';
const STATUS_RESOURCES = new Set(['apigatewayroutes', 'aimodels']);
const STATUS_VERBS = new Set(['PUT', 'PATCH', 'APPLY']);

function isControllerWrite(labels: Record<string, string>): 'children' | 'status' | undefined {
  const { verb = '', resource = '', subresource = '', scope = '' } = labels;
  if (scope !== OBJECT_SCOPE) return undefined;
  if (subresource === '' && CHILD_RESOURCES.has(resource) && CHILD_VERBS.has(verb)) return 'children';
  if (subresource === 'status' && STATUS_RESOURCES.has(resource) && STATUS_VERBS.has(verb)) return 'status';
  return undefined;
}

/**
 * The controller's writes as the API server counted them (apiserver_request_total), by
 * "VERB resource/subresource code". The counter has no client label; read it while no one else
 * applies these resources.
 */
export function controllerWriteSeries(samples: readonly MetricSample[]): Map<string, number> {
  const series = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== 'apiserver_request_total' || !isControllerWrite(s.labels)) continue;
    const { verb, resource, subresource, code } = s.labels;
    const key = `${verb} ${resource}/${subresource} ${code}`;
    series.set(key, (series.get(key) ?? 0) + s.value);
  }
  return series;
}

/** The series that grew from `before` to `after`, with how much. */
export function grownSeries(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) grown[key] = delta;
  }
  return grown;
}

export function controllerWrites(samples: readonly MetricSample[]): ControllerWrites {
  const writes: ControllerWrites = { children: 0, status: 0 };
  for (const s of samples) {
    if (s.name !== 'apiserver_request_total') continue;
    const kind = isControllerWrite(s.labels);
    if (kind) writes[kind] += s.value;
  }
  return writes;
}

/**
 * Waits until no namespace is terminating: deleting one makes the garbage collector delete the children
 * of the custom resources in it, which would count as writes to the resources the controller writes.
 */
export async function waitForNamespaceDeletions(api: KubeAPI): Promise<void> {
  await waitFor(
    async () => {
      const { items } = await api.list<KubeObject & { status?: { phase?: string } }>(NAMESPACES, {});
      return items.every((ns) => ns.status?.phase !== 'Terminating');
    },
    { description: 'terminating namespaces to be gone', timeoutMs: 120_000, intervalMs: 500 },
  );
}
