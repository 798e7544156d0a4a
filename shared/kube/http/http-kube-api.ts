// KubeAPI over HTTPS: builds paths and query strings, decodes answers, frames watch streams.
import type { KubeObject } from '../meta-v1-types.ts';
import { isKubeObject } from '../meta-v1-types.ts';
import { APIDecodeError } from '../api-error.ts';
import type { KubeStatus } from '../api-error.ts';
import type {
  ApplyOptions,
  DeleteOptions,
  KubeAPI,
  ListOptions,
  ObjectList,
  PatchType,
  RequestOptions,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from '../kube-api.ts';
import { refOf } from '../object-key.ts';
import { apiVersionOf, collectionPath, objectPath } from '../resource.ts';
import type { ObjectRef, ResourceDescriptor } from '../resource.ts';
import { accessCredentials } from '../auth/access-credentials.ts';
import type { ClusterAccess } from '../config/cluster-access.ts';
import { HTTPSTransport } from './https-transport.ts';
import type { HTTPSTransportOptions, HTTPVerb } from './https-transport.ts';
import { splitLines } from './ndjson.ts';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};
// JSON is YAML, so an apply body can be sent as JSON under the YAML media type.
const APPLY_CONTENT_TYPE = 'application/apply-patch+yaml';
const WATCH_EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

interface RawList {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: unknown[];
}

function decode<T>(verb: string, path: string, body: string): T {
  try {
    return JSON.parse(body) as T;
  } catch (err) {
    throw new APIDecodeError(verb, path, body, err);
  }
}

function writeQuery(opts: WriteOptions | undefined): Record<string, string | undefined> {
  return { fieldManager: opts?.fieldManager, dryRun: opts?.dryRun ? 'All' : undefined };
}

function decodeWatchLine<T extends KubeObject>(path: string, line: string): WatchEvent<T> {
  const raw = decode<{ type?: unknown; object?: unknown }>('WATCH', path, line);
  if (typeof raw.type !== 'string' || !WATCH_EVENT_TYPES.has(raw.type) || typeof raw.object !== 'object') {
    throw new APIDecodeError('WATCH', path, line);
  }
  if (raw.type === 'ERROR') return { type: 'ERROR', status: (raw.object ?? {}) as KubeStatus };
  if (!isKubeObject(raw.object)) throw new APIDecodeError('WATCH', path, line);
  return { type: raw.type as 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', object: raw.object as T };
}

export class HTTPKubeAPI implements KubeAPI {
  private readonly transport: HTTPSTransport;

  constructor(transport: HTTPSTransport) {
    this.transport = transport;
  }

  /** A client for the access loadKubeConfig() found. */
  static fromKubeConfig(access: ClusterAccess, opts: HTTPSTransportOptions = {}): HTTPKubeAPI {
    const proxyURL = access.cluster.proxyURL;
    return new HTTPKubeAPI(
      new HTTPSTransport(accessCredentials(access), { ...opts, ...(proxyURL ? { proxyURL } : {}) }),
    );
  }

  async list<T extends KubeObject>(
    resource: ResourceDescriptor,
    opts: ListOptions = {},
  ): Promise<ObjectList<T>> {
    const path = collectionPath(resource, opts.namespace);
    const res = await this.transport.request({
      verb: 'GET',
      path,
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continueToken,
        resourceVersion: opts.resourceVersion,
        resourceVersionMatch: opts.resourceVersionMatch,
      },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const raw = decode<RawList>('GET', path, res.body);
    if (!Array.isArray(raw.items)) throw new APIDecodeError('GET', path, res.body);
    // Built-in list items omit apiVersion and kind; the cache and handlers want whole objects.
    const apiVersion = apiVersionOf(resource);
    const items = raw.items.map((item) => {
      const object = item as T;
      object.apiVersion ??= apiVersion;
      object.kind ??= resource.kind;
      return object;
    });
    const continueToken = raw.metadata?.continue;
    return {
      items,
      resourceVersion: raw.metadata?.resourceVersion ?? '',
      ...(continueToken ? { continueToken } : {}),
    };
  }

  async *watch<T extends KubeObject>(
    resource: ResourceDescriptor,
    opts: WatchOptions,
  ): AsyncGenerator<WatchEvent<T>> {
    const path = collectionPath(resource, opts.namespace);
    const stream = await this.transport.openStream({
      verb: 'GET',
      path,
      query: {
        watch: 'true',
        resourceVersion: opts.resourceVersion,
        allowWatchBookmarks: opts.allowWatchBookmarks,
        timeoutSeconds: opts.timeoutSeconds,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
      },
      signal: opts.signal,
    });
    opts.onConnected?.();
    try {
      for await (const line of splitLines(stream.body)) yield decodeWatchLine<T>(path, line);
    } finally {
      stream.close();
    }
  }

  async get<T extends KubeObject>(
    resource: ResourceDescriptor,
    ref: ObjectRef,
    opts?: RequestOptions,
  ): Promise<T> {
    return this.send<T>('GET', objectPath(resource, ref), undefined, undefined, {}, opts);
  }

  async create<T extends KubeObject>(
    resource: ResourceDescriptor,
    object: T,
    opts?: WriteOptions,
  ): Promise<T> {
    const path = collectionPath(resource, object.metadata.namespace);
    return this.send<T>('POST', path, object, undefined, writeQuery(opts), opts);
  }

  async replace<T extends KubeObject>(
    resource: ResourceDescriptor,
    object: T,
    opts?: WriteOptions,
  ): Promise<T> {
    const path = objectPath(resource, refOf(object), opts?.subresource);
    return this.send<T>('PUT', path, object, undefined, writeQuery(opts), opts);
  }

  async patch<T extends KubeObject>(
    resource: ResourceDescriptor,
    ref: ObjectRef,
    type: PatchType,
    patch: unknown,
    opts?: WriteOptions,
  ): Promise<T> {
    const path = objectPath(resource, ref, opts?.subresource);
    return this.send<T>('PATCH', path, patch, PATCH_CONTENT_TYPES[type], writeQuery(opts), opts);
  }

  async apply<T extends KubeObject>(
    resource: ResourceDescriptor,
    object: KubeObject,
    opts: ApplyOptions,
  ): Promise<T> {
    const path = objectPath(resource, refOf(object), opts.subresource);
    const query = { ...writeQuery(opts), force: opts.force ? 'true' : undefined };
    return this.send<T>('PATCH', path, object, APPLY_CONTENT_TYPE, query, opts);
  }

  async delete(resource: ResourceDescriptor, ref: ObjectRef, opts?: DeleteOptions): Promise<void> {
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(opts?.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
      ...(opts?.preconditions ? { preconditions: opts.preconditions } : {}),
    };
    await this.transport.request({
      verb: 'DELETE',
      path: objectPath(resource, ref),
      body,
      ...(opts?.signal ? { signal: opts.signal } : {}),
    });
  }

  private async send<T>(
    verb: HTTPVerb,
    path: string,
    body: unknown,
    contentType: string | undefined,
    query: Record<string, string | undefined>,
    opts: RequestOptions | undefined,
  ): Promise<T> {
    const res = await this.transport.request({
      verb,
      path,
      query,
      ...(body === undefined ? {} : { body }),
      ...(contentType ? { contentType } : {}),
      ...(opts?.signal ? { signal: opts.signal } : {}),
    });
    return decode<T>(verb, path, res.body);
  }
}
