// A CredentialSource over @kubernetes/client-node's KubeConfig: it reads the CA, client certificate and
// key files on every request and runs exec plugins and token files through its authenticators.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Agent } from 'node:http';
import type { RequestOptions } from 'node:https';
import type { CredentialSource, RequestCredentials } from './credential-source.ts';

function asBuffer(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value;
  return typeof value === 'string' ? Buffer.from(value) : undefined;
}

function headersOf(options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  return headers;
}

export function kubeConfigCredentials(kc: KubeConfig): CredentialSource {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  return {
    server: cluster.server,
    async credentials(): Promise<RequestCredentials> {
      const options: RequestOptions = { headers: {} };
      await kc.applyToHTTPSOptions(options);
      const ca = asBuffer(options.ca);
      const cert = asBuffer(options.cert);
      const key = asBuffer(options.key);
      return {
        tls: {
          ...(ca ? { ca } : {}),
          ...(cert ? { cert } : {}),
          ...(key ? { key } : {}),
          ...(options.servername ? { servername: options.servername } : {}),
          ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
        },
        headers: headersOf(options),
        // client-node's proxy agents are built from the first request's material and kept.
        ...(cluster.proxyUrl ? { proxyAgent: options.agent as Agent } : {}),
      };
    },
  };
}
