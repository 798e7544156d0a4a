// The API server as the cluster admin sees it, over raw HTTPS: enough for bring-up checks and /metrics.
import { readFileSync } from 'node:fs';
import { requestText } from './https-request.ts';
import type { ClientTLS, TextResponse } from './https-request.ts';

export interface AdminCredentials {
  apiServerURL: string;
  caCertPath: string;
  adminCertPath: string;
  adminKeyPath: string;
}

export class AdminAPI {
  readonly #baseURL: string;
  readonly #tls: ClientTLS;

  constructor(credentials: AdminCredentials) {
    this.#baseURL = credentials.apiServerURL;
    this.#tls = {
      caPEM: readFileSync(credentials.caCertPath, 'utf8'),
      certPEM: readFileSync(credentials.adminCertPath, 'utf8'),
      keyPEM: readFileSync(credentials.adminKeyPath, 'utf8'),
    };
  }

  request(method: string, path: string, body?: unknown): Promise<TextResponse> {
    return requestText(`${this.#baseURL}${path}`, { method, body, tls: this.#tls });
  }

  /** The parsed JSON body of a GET, or undefined on 404. Other statuses throw with the response body. */
  async getJSON(path: string): Promise<unknown> {
    const res = await this.request('GET', path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
    return JSON.parse(res.body) as unknown;
  }
}
