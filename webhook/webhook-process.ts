// Assembles the webhook process from its options: health and metrics first (so probes answer at once),
// then the HTTPS server, then the certificate source that feeds it. Returns a handle to stop it all.
import { API_KINDS } from '../shared/api/kinds.ts';
import { HTTPKubeAPI } from '../shared/kube/http/http-kube-api.ts';
import type { KubeAPI } from '../shared/kube/kube-api.ts';
import { loadKubeConfig } from '../shared/kube/config.ts';
import type { Logger } from '../shared/logging/logger.ts';
import { startHealthServer } from '../shared/observability/health-server.ts';
import { createMetricsRegistry } from '../shared/observability/metrics-registry.ts';
import { withReadinessMetrics } from '../shared/observability/readiness-metrics.ts';
import { errorMessage } from '../shared/util/error-message.ts';
import { createCABundleInjector } from './certs/ca-bundle-injector.ts';
import { CertDirSource } from './certs/cert-dir-source.ts';
import { createCertificateIssuer } from './certs/certificate-issuer.ts';
import { kubeCertificateSecretStore } from './certs/certificate-secret-store.ts';
import { serviceIdentity } from './certs/certificate-state.ts';
import { SecretSource } from './certs/secret-source.ts';
import { SelfManagedCertificates } from './certs/self-managed-certificates.ts';
import { DEPRECATED_FLAGS } from './config/webhook-options.ts';
import type { WebhookOptions } from './config/webhook-options.ts';
import type { ReferencedKind, WebhookDomain } from './domain/webhook-domain.ts';
import { createWebhookApp } from './http/webhook-app.ts';
import { startWebhookServer } from './http/webhook-server.ts';
import { CRDWiring } from './kube/crd-wiring.ts';
import { createCertificateExpiryMetrics } from './metrics/certificate-expiry-metrics.ts';
import { createWebhookMetrics } from './metrics/webhook-metrics.ts';
import { kubeObjectExists } from './references/kube-object-exists.ts';
import { createCachedReferenceChecker, noReferenceChecks } from './references/reference-checker.ts';

export interface WebhookProcess {
  readonly port: number;
  readonly healthPort: number;
  stop(): Promise<void>;
}

const NON_SECRET_KINDS: readonly ReferencedKind[] = ['Service', 'ConfigMap', 'AIModel'];

const SECRET_LABELS = {
  'app.kubernetes.io/part-of': 'ai-gateway-operator',
  'app.kubernetes.io/component': 'webhook',
};

function connect(options: WebhookOptions, logger: Logger): KubeAPI | undefined {
  const needed = options.certMode !== 'cert-dir' || options.wireCRDConversion;
  if (!needed && !options.referenceChecks) return undefined;
  try {
    return HTTPKubeAPI.fromKubeConfig(loadKubeConfig(options.kubeconfig), {
      requestTimeoutMs: 10_000,
      userAgent: 'ai-gateway-operator-webhook',
    });
  } catch (err) {
    if (needed) throw err;
    // A webhook serving from a cert dir works without a cluster; it only cannot look references up.
    logger.warn('no cluster access; reference checks are off', { error: errorMessage(err) });
    return undefined;
  }
}

/** Runs each kind's rules once, so schema compilation happens at start and not in the first request. */
function warmUp(domain: WebhookDomain): void {
  for (const kind of API_KINDS) {
    for (const version of kind.versions) {
      const sample = {
        apiVersion: `${kind.group}/${version.name}`,
        kind: kind.kind,
        metadata: { name: 'warm-up' },
        spec: {},
      };
      domain.validateObject(sample);
      domain.applyDefaults(sample);
    }
  }
}

/** One warning that names the deprecated flags given and the flags that replace them. */
function warnOfDeprecatedFlags(options: WebhookOptions, logger: Logger): void {
  if (options.deprecatedFlags.length === 0) return;
  const use = [...new Set(options.deprecatedFlags.map((flag) => `--${DEPRECATED_FLAGS[flag]}`))];
  logger.warn(`deprecated flags: use ${use.join(', ')} instead`, {
    deprecated: options.deprecatedFlags.map((flag) => `--${flag}`),
    use,
  });
}

export async function startWebhookProcess(
  options: WebhookOptions,
  domain: WebhookDomain,
  logger: Logger,
): Promise<WebhookProcess> {
  warnOfDeprecatedFlags(options, logger);
  warmUp(domain);
  const registry = createMetricsRegistry();
  const api = connect(options, logger);
  const health = withReadinessMetrics(
    await startHealthServer({ registry, logger, ...options.healthProbeBindAddress }),
    registry,
  );
  const certificateExpiry = createCertificateExpiryMetrics(registry);
  const references =
    api && options.referenceChecks
      ? createCachedReferenceChecker({
          exists: kubeObjectExists(api),
          kinds: options.secretReferenceChecks ? [...NON_SECRET_KINDS, 'Secret'] : NON_SECRET_KINDS,
          logger,
          ttlMs: options.referenceCacheTTLMs,
          timeoutMs: options.referenceTimeoutMs,
        })
      : noReferenceChecks;
  const app = createWebhookApp({
    kinds: API_KINDS,
    domain,
    references,
    metrics: createWebhookMetrics(registry),
    logger,
    maxBodyBytes: options.maxRequestBytes,
  });
  const server = certificateExpiry.observeServing(
    await startWebhookServer({
      app,
      host: options.bindAddress,
      port: options.port,
      logger,
      timeouts: {
        handshakeMs: options.headerTimeoutMs,
        headersMs: options.headerTimeoutMs,
        requestMs: options.requestTimeoutMs,
      },
    }),
  );
  health.addReadinessCheck('serving-certificate', () => server.certificateReadiness());

  let stopSource: () => void;
  if (options.certMode === 'cert-dir') {
    const source = new CertDirSource({
      dir: options.certDir ?? '',
      server,
      logger,
      pollIntervalMs: options.certCheckIntervalMs,
    });
    await source.start();
    stopSource = () => source.stop();
  } else {
    const kube = api as KubeAPI;
    const store = kubeCertificateSecretStore(
      kube,
      options.certSecretNamespace,
      options.certSecretName,
      SECRET_LABELS,
    );
    if (options.certMode === 'secret') {
      const source = new SecretSource({ store, server, logger, pollIntervalMs: options.certCheckIntervalMs });
      await source.start();
      stopSource = () => source.stop();
    } else {
      const manager = new SelfManagedCertificates({
        store,
        ...(options.injectCABundle
          ? {
              injector: certificateExpiry.observeTrustBundle(
                createCABundleInjector(
                  kube,
                  {
                    validatingWebhookConfigurations: [options.validatingWebhookConfiguration].filter(Boolean),
                    mutatingWebhookConfigurations: [options.mutatingWebhookConfiguration].filter(Boolean),
                    customResourceDefinitions: options.crds,
                  },
                  logger,
                ),
              ),
            }
          : {}),
        server,
        policy: {
          caValidityMs: options.caValidityMs,
          servingValidityMs: options.certValidityMs,
          renewAfterFraction: options.renewFraction,
          caAnnounceLeadMs: options.caAnnounceLeadMs,
        },
        identity: serviceIdentity(options.serviceName, options.serviceNamespace, options.extraSANs),
        issuer: createCertificateIssuer(`${options.serviceName}-ca`),
        logger,
        checkIntervalMs: options.certCheckIntervalMs,
      });
      health.addReadinessCheck('ca-bundle-injected', () => manager.injectionReadiness());
      manager.start();
      stopSource = () => manager.stop();
    }
  }

  // After the certificate source, and not awaited: admission and conversion serve while it retries.
  const wiring = options.wireCRDConversion
    ? new CRDWiring({
        api: api as KubeAPI,
        crds: options.crds,
        service: { namespace: options.serviceNamespace, name: options.serviceName },
        ...(options.crdInjectCAFrom !== undefined ? { injectCAFrom: options.crdInjectCAFrom } : {}),
        recheckMs: options.certCheckIntervalMs,
        logger,
      })
    : undefined;
  void wiring?.start();

  return {
    port: server.port,
    healthPort: health.port,
    async stop() {
      wiring?.stop();
      stopSource();
      await server.close();
      await health.close();
    },
  };
}
