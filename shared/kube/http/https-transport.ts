// Raw HTTP(S) requests to the API server. A CredentialSource supplies the TLS material and headers of
// each request; the requests, connections, streaming and timeouts are ours, so a watch is never cut by a
// client-side body timeout and every failure surfaces as a typed error. Connections are kept alive and
// reused (agent-pool.ts) for as long as the TLS material stays the same.
import http from 'node:http';
import https from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { APIConnectionError, APIDecodeError, APIError } from '../api-error.ts';
import type { KubeStatus } from '../api-error.ts';
import { AgentPool } from './agent-pool.ts';
import type { AgentLease } from './agent-pool.ts';
import type { CredentialSource } from './credential-source.ts';

export type HTTPVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HTTPRequest {
  verb: HTTPVerb;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export interface HTTPResponse {
  status: number;
  body: string;
}

export interface HTTPStream {
  body: AsyncIterable<Buffer>;
  /** Ends the stream early; safe to call more than once. */
  close(): void;
}

export interface HTTPSTransportOptions {
  /** Bound on a whole non-streaming request, so a dead connection cannot hang a reconcile. */
  requestTimeoutMs?: number;
  /** Bound on a complete response body, so a runaway answer cannot exhaust memory. */
  maxResponseBytes?: number;
  userAgent?: string;
  /** Idle kept-alive connections are closed after this long. */
  idleTimeoutMs?: number;
  /** An http:// or https:// proxy to reach the server through (the kubeconfig's proxy-url). */
  proxyURL?: string;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

function buildURL(server: string, req: HTTPRequest): URL {
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
      throw new APIDecodeError(verb, path, `response larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A kept-alive connection the server closed just as the request went out on it: nothing was processed. */
function lostReusedConnection(request: ClientRequest, err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return request.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
}

export class HTTPSTransport {
  readonly server: string;
  private readonly source: CredentialSource;
  private readonly agents: AgentPool;
  private readonly requestTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;

  constructor(source: CredentialSource, opts: HTTPSTransportOptions = {}) {
    this.source = source;
    this.server = source.server;
    this.agents = new AgentPool({
      protocol: new URL(source.server).protocol === 'http:' ? 'http:' : 'https:',
      ...(opts.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: opts.idleTimeoutMs }),
      ...(opts.proxyURL ? { proxyURL: opts.proxyURL } : {}),
    });
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.userAgent = opts.userAgent ?? 'ai-gateway-operator';
  }

  /** Agents made so far: one plus one per rotation of the client certificate or CA. */
  get connectionPools(): number {
    return this.agents.agentsCreated;
  }

  /** Closes every connection, including open watches. */
  close(): void {
    this.agents.destroy();
  }

  /** Sends a request and reads the whole answer; non-2xx answers become APIError. */
  async request(req: HTTPRequest): Promise<HTTPResponse> {
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
      throw new APIError(req.verb, req.path, res.statusCode ?? 0, parseStatus(body));
    }
    return { status: res.statusCode, body };
  }

  /** Opens a long-lived response (a watch); no overall timeout, the caller aborts through `signal`. */
  async openStream(req: HTTPRequest): Promise<HTTPStream> {
    const res = await this.send(req);
    if (res.statusCode !== 200) {
      const body = await readBody(res, this.maxResponseBytes, req.verb, req.path).catch(() => '');
      throw new APIError(req.verb, req.path, res.statusCode ?? 0, parseStatus(body));
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

  private async send(req: HTTPRequest): Promise<IncomingMessage> {
    const url = buildURL(this.server, req);
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    let credentials;
    try {
      // Asked for every request, so rotated tokens, certificates and exec credentials are used at once.
      credentials = await this.source.credentials();
    } catch (err) {
      throw new APIConnectionError(req.verb, req.path, err);
    }
    const options: https.RequestOptions = {
      method: req.verb,
      headers: {
        Accept: 'application/json',
        'User-Agent': this.userAgent,
        ...credentials.headers,
        ...(payload === undefined
          ? {}
          : {
              'Content-Type': req.contentType ?? 'application/json',
              'Content-Length': Buffer.byteLength(payload),
            }),
      },
      ...(req.signal ? { signal: req.signal } : {}),
    };
    const client = url.protocol === 'http:' ? http : https;
    const attempt = (retry: boolean) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const lease: AgentLease = this.agents.acquire(credentials.tls);
        const request = client.request(url, { ...options, agent: lease.agent });
        let answered = false;
        request.on('close', () => lease.release());
        request.on('error', (err) => {
          const resend = retry && !answered && !req.signal?.aborted && lostReusedConnection(request, err);
          if (resend) resolve(attempt(false));
          else reject(this.connectionError(req, err, req.signal));
        });
        request.on('response', (res) => {
          answered = true;
          if (res.statusCode === 401) credentials.onUnauthorized?.();
          resolve(res);
        });
        request.end(payload);
      });
    return attempt(true);
  }

  private connectionError(req: HTTPRequest, err: unknown, signal: AbortSignal | undefined): Error {
    if (err instanceof APIError || err instanceof APIDecodeError || err instanceof APIConnectionError) {
      return err;
    }
    if (signal?.aborted) {
      const reason: unknown = signal.reason;
      // The caller's own abort comes back as is; our request timeout is a failure to get an answer.
      if (reason instanceof Error && reason.name !== 'TimeoutError') return reason;
      return new APIConnectionError(req.verb, req.path, reason ?? err);
    }
    return new APIConnectionError(req.verb, req.path, err);
  }
}
