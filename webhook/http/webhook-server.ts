// The HTTPS listener. It starts without a certificate (handshakes fail until one is loaded) so that health
// and readiness can be reported while certificates are being provisioned, and it swaps certificates in
// place: connections already open keep theirs, new ones get the new one.
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { RequestListener } from 'node:http';
import type { Logger } from '../../shared/logging/logger.ts';
import { closeGracefully, listen } from '../../shared/observability/server-lifecycle.ts';
import type { ReadinessCheckResult } from '../../shared/observability/readiness-checks.ts';
import type { CertificateInfo, KeyPairPEM } from '../../shared/tls/certificates.ts';
import { TLS_POLICY, checkServingCertificate, secureContextOptions } from '../tls/serving-certificate.ts';
import { systemClock, type Clock } from '../../shared/time/clock.ts';

export interface WebhookServerTimeouts {
  /** Time to finish the TLS handshake. */
  handshakeMs: number;
  /** Time to send all request headers (slow clients). */
  headersMs: number;
  /** Time to send the whole request, body included; the API server gives up after 10s by default. */
  requestMs: number;
  /** Idle time before a kept-alive connection is closed. */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: WebhookServerTimeouts = {
  handshakeMs: 10_000,
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 65_000,
};

export interface WebhookServerOptions {
  app: RequestListener;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  logger: Logger;
  timeouts?: Partial<WebhookServerTimeouts>;
  /** Tells whether the served certificate is still valid; the system clock by default. */
  clock?: Pick<Clock, 'now'>;
}

export interface WebhookServer {
  readonly host: string;
  readonly port: number;
  /** Validates the pair, then serves it to new connections; throws InvalidServingCertificateError. */
  loadCertificate(pair: KeyPairPEM, source: string): CertificateInfo;
  /** Ready while a loaded certificate is within its validity. */
  certificateReadiness(): ReadinessCheckResult;
  close(timeoutMs?: number): Promise<void>;
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const clock = opts.clock ?? systemClock;
  const now = () => new Date(clock.now());
  const server: Server = createServer(
    {
      ...TLS_POLICY,
      handshakeTimeout: timeouts.handshakeMs,
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // How often Node checks the two timeouts above; its default of 30s would let slow clients linger.
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    },
    opts.app,
  );
  server.on('tlsClientError', (err) => opts.logger.debug('TLS handshake failed', { error: err.message }));
  let current: CertificateInfo | undefined;

  const address = await listen(server, opts.port, opts.host);
  opts.logger.info('webhook server listening', { address: address.address, port: address.port });

  return {
    host: address.address,
    port: address.port,
    loadCertificate(pair, source) {
      const info = checkServingCertificate(pair, source, now());
      server.setSecureContext(secureContextOptions(pair));
      current = info;
      opts.logger.info('serving certificate loaded', {
        source,
        subject: info.subjectCommonName,
        issuer: info.issuerCommonName,
        notAfter: info.notAfter.toISOString(),
        dnsNames: info.dnsNames,
        ipAddresses: info.ipAddresses,
      });
      return info;
    },
    certificateReadiness() {
      if (!current) return { ok: false, reason: 'no serving certificate loaded yet' };
      if (current.notAfter.getTime() <= now().getTime()) {
        return { ok: false, reason: `serving certificate expired at ${current.notAfter.toISOString()}` };
      }
      return true;
    },
    close: (timeoutMs = 10_000) => closeGracefully(server, timeoutMs),
  };
}
