// Raw HTTP(S) requests to the API server. KubeConfig supplies only credentials and TLS material; the
// requests, streaming and timeouts are ours, so a watch is never cut by a client-side body timeout and
// every failure surfaces as a typed error.
import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { ApiConnectionError, ApiDecodeError, ApiError } from '../api-error.ts';
import type { KubeStatus } from '../api-error.ts';

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  verb: HttpVerb;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  body: string;
}

export interface HttpStream {
  body: AsyncIterable<Buffer>;
  /** Ends the stream early; safe to call more than once. */
  close(): void;
}

export interface HttpsTransportOptions {
  /** Bound on a whole non-streaming request, so a dead connection cannot hang a reconcile. */
  requestTimeoutMs?: number;
  /** Bound on a complete response body, so a runaway answer cannot exhaust memory. */
  maxResponseBytes?: number;
  userAgent?: string;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

function buildUrl(server: string, req: HttpRequest): URL {
  const url = new URL(server.replace(/\/+$/, '') + req.path);
  for (const [key, value] of Object.entries(req.query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  return url;
}

function parseStatus(body: string): KubeStatus | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as KubeStatus;
  } catch {
    // Proxies and load balancers answer with HTML or plain text; the status code still says enough.
  }
  return undefined;
}

async function readBody(res: IncomingMessage, limit: number, verb: string, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.destroy();
      throw new ApiDecodeError(verb, path, `response larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export class HttpsTransport {
  readonly server: string;
  private readonly kc: KubeConfig;
  private readonly requestTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;

  constructor(kc: KubeConfig, opts: HttpsTransportOptions = {}) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.kc = kc;
    this.server = cluster.server;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.userAgent = opts.userAgent ?? 'ai-gateway-operator';
  }

  /** Sends a request and reads the whole answer; non-2xx answers become ApiError. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const res = await this.send({ ...req, signal });
    let body: string;
    try {
      body = await readBody(res, this.maxResponseBytes, req.verb, req.path);
    } catch (err) {
      throw this.connectionError(req, err, signal);
    }
    if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) {
      throw new ApiError(req.verb, req.path, res.statusCode ?? 0, parseStatus(body));
    }
    return { status: res.statusCode, body };
  }

  /** Opens a long-lived response (a watch); no overall timeout, the caller aborts through `signal`. */
  async openStream(req: HttpRequest): Promise<HttpStream> {
    const res = await this.send(req);
    if (res.statusCode !== 200) {
      const body = await readBody(res, this.maxResponseBytes, req.verb, req.path).catch(() => '');
      throw new ApiError(req.verb, req.path, res.statusCode ?? 0, parseStatus(body));
    }
    const connectionError = (err: unknown) => this.connectionError(req, err, req.signal);
    async function* chunks(): AsyncGenerator<Buffer> {
      try {
        yield* res as AsyncIterable<Buffer>;
      } catch (err) {
        throw connectionError(err);
      }
    }
    return { body: chunks(), close: () => res.destroy() };
  }

  private async send(req: HttpRequest): Promise<IncomingMessage> {
    const url = buildUrl(this.server, req);
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const options: https.RequestOptions = {
      method: req.verb,
      headers: {
        Accept: 'application/json',
        'User-Agent': this.userAgent,
        ...(payload === undefined
          ? {}
          : {
              'Content-Type': req.contentType ?? 'application/json',
              'Content-Length': Buffer.byteLength(payload),
            }),
      },
      ...(req.signal ? { signal: req.signal } : {}),
    };
    try {
      // Credentials are applied per request so rotated service-account tokens and exec plugins are honoured.
      await this.kc.applyToHTTPSOptions(options);
    } catch (err) {
      throw new ApiConnectionError(req.verb, req.path, err);
    }
    // client-node also sets an agent it caches per cluster and user, built from the first request's
    // certificates, which would override the rotated client certificate or CA just read. A request-scoped
    // agent (no keep-alive, like the cached one) takes them. A proxy needs client-node's own agent.
    if (!this.kc.getCurrentCluster()?.proxyUrl) options.agent = false;
    const client = url.protocol === 'http:' ? http : https;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = client.request(url, options, resolve);
      request.on('error', (err) => reject(this.connectionError(req, err, req.signal)));
      request.end(payload);
    });
  }

  private connectionError(req: HttpRequest, err: unknown, signal: AbortSignal | undefined): Error {
    if (err instanceof ApiError || err instanceof ApiDecodeError || err instanceof ApiConnectionError) {
      return err;
    }
    if (signal?.aborted) {
      const reason: unknown = signal.reason;
      // The caller's own abort comes back as is; our request timeout is a failure to get an answer.
      if (reason instanceof Error && reason.name !== 'TimeoutError') return reason;
      return new ApiConnectionError(req.verb, req.path, reason ?? err);
    }
    return new ApiConnectionError(req.verb, req.path, err);
  }
}
