// When the webhook's certificates expire, as Unix timestamps, so that an alert warns days before the API
// server stops trusting the webhook, and with it refuses every write of APIGatewayRoutes and AIModels:
// the serving certificate in every certificate mode (recorded as it is loaded), and the CA bundle the
// webhook injects when it is its own CA (recorded once injected). Of a bundle, the latest expiry counts:
// during a CA rotation the old CA expiring is expected, the API server trusts the webhook while any does.
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { describeCertificate, splitPEMBundle } from '../../shared/tls/certificates.ts';
import type { CABundleInjector } from '../certs/ca-bundle-injector.ts';
import type { WebhookServer } from '../http/webhook-server.ts';

const CERTIFICATE_EXPIRY_METRIC = 'ai_gateway_operator_webhook_certificate_expiration_timestamp_seconds';

export interface CertificateExpiryMetrics {
  /** `server`, recording the expiry of every certificate it accepts (certificate="serving"). */
  observeServing(server: WebhookServer): WebhookServer;
  /** `injector`, recording the latest expiry of each bundle it has injected (certificate="ca"). */
  observeTrustBundle(injector: CABundleInjector): CABundleInjector;
}

export function createCertificateExpiryMetrics(registry: Registry): CertificateExpiryMetrics {
  const expiry = new Gauge({
    name: CERTIFICATE_EXPIRY_METRIC,
    help: 'When the serving certificate, or the last CA of the injected CA bundle, expires (Unix time)',
    labelNames: ['certificate'],
    registers: [registry],
  });
  return {
    observeServing: (server) => ({
      host: server.host,
      port: server.port,
      loadCertificate(pair, source) {
        const info = server.loadCertificate(pair, source);
        expiry.set({ certificate: 'serving' }, info.notAfter.getTime() / 1000);
        return info;
      },
      certificateReadiness: () => server.certificateReadiness(),
      close: (timeoutMs) => server.close(timeoutMs),
    }),
    observeTrustBundle: (injector) => ({
      async inject(bundlePEM) {
        await injector.inject(bundlePEM);
        const expiries = splitPEMBundle(bundlePEM).map((pem) => describeCertificate(pem).notAfter.getTime());
        if (expiries.length > 0) expiry.set({ certificate: 'ca' }, Math.max(...expiries) / 1000);
      },
    }),
  };
}
