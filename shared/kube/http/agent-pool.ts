// Keep-alive connections to the API server for as long as the TLS material stays the same: one agent
// serves every request and watch made with the current material; when a rotated client certificate or
// CA arrives, new requests get a new agent and the old one is closed once the last request it carries
// (a watch, perhaps) has ended.
//
// The agent has no socket limit: a watch holds its connection for minutes, so with a cap the informers'
// watches would take the sockets and every other request would queue behind them. Idle connections are
// closed after `idleTimeoutMs`, before the API server's own 90 s idle timeout, so a request is rarely
// sent on a connection the server is closing at that moment.
import http from 'node:http';
import https from 'node:https';
import { sameTLSMaterial } from './tls-material.ts';
import type { TLSMaterial } from './tls-material.ts';

export interface AgentPoolOptions {
  /** 'http:' only for a plain-HTTP server (a local proxy); TLS material is then ignored. */
  protocol: 'http:' | 'https:';
  idleTimeoutMs?: number;
  /** An http:// or https:// proxy every connection goes through (Node's built-in proxy support). */
  proxyURL?: string;
}

/** The agent for one request; `release()` once the request (or stream) has ended. */
export interface AgentLease {
  agent: http.Agent;
  release(): void;
}

interface PooledAgent {
  material: TLSMaterial;
  agent: http.Agent;
  inFlight: number;
  retired: boolean;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
// TCP keep-alive probes on open connections, as client-go sends them.
const TCP_KEEPALIVE_MS = 30_000;

export class AgentPool {
  private readonly opts: AgentPoolOptions;
  private current: PooledAgent | undefined;
  private readonly retired = new Set<PooledAgent>();
  private created = 0;

  constructor(opts: AgentPoolOptions) {
    this.opts = opts;
  }

  /** Agents made so far: one plus one per change of TLS material. */
  get agentsCreated(): number {
    return this.created;
  }

  acquire(material: TLSMaterial): AgentLease {
    if (!this.current || !sameTLSMaterial(this.current.material, material)) this.replace(material);
    const pooled = this.current as PooledAgent;
    pooled.inFlight++;
    let released = false;
    return {
      agent: pooled.agent,
      release: () => {
        if (released) return;
        released = true;
        pooled.inFlight--;
        if (pooled.retired && pooled.inFlight === 0) this.close(pooled);
      },
    };
  }

  /** Closes every connection, idle or not. */
  destroy(): void {
    for (const pooled of [...this.retired, ...(this.current ? [this.current] : [])]) this.close(pooled);
    this.current = undefined;
  }

  private replace(material: TLSMaterial): void {
    const previous = this.current;
    if (previous) {
      previous.retired = true;
      if (previous.inFlight === 0) this.close(previous);
      else this.retired.add(previous);
    }
    const options: https.AgentOptions = {
      keepAlive: true,
      keepAliveMsecs: TCP_KEEPALIVE_MS,
      timeout: this.opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      ...(this.opts.proxyURL
        ? { proxyEnv: { HTTPS_PROXY: this.opts.proxyURL, HTTP_PROXY: this.opts.proxyURL } }
        : {}),
      ...material,
    };
    const agent = this.opts.protocol === 'http:' ? new http.Agent(options) : new https.Agent(options);
    this.current = { material, agent, inFlight: 0, retired: false };
    this.created++;
  }

  private close(pooled: PooledAgent): void {
    this.retired.delete(pooled);
    pooled.agent.destroy();
  }
}
