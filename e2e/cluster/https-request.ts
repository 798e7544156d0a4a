// Plain HTTP(S) requests to the local components (health endpoints, /metrics, a few API calls during
// bring-up) without a client library: the control plane must be usable before anything else is.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ClientTLS {
  caPEM?: string;
  certPEM?: string;
  keyPEM?: string;
  /** Components' self-signed health endpoints on loopback: nothing to verify against. */
  insecure?: boolean;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  tls?: ClientTLS;
  timeoutMs?: number;
}

export interface TextResponse {
  status: number;
  body: string;
}

export function requestText(url: string, options: RequestOptions = {}): Promise<TextResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
        ca: options.tls?.caPEM,
        cert: options.tls?.certPEM,
        key: options.tls?.keyPEM,
        rejectUnauthorized: options.tls?.insecure !== true,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${req.method} ${url}: no response within the timeout`)));
    req.on('error', reject);
    req.end(payload);
  });
}
