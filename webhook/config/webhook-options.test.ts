import { describe, expect, it } from '@jest/globals';
import { parseDuration } from './duration.ts';
import { FlagError } from '../../shared/config/flags.ts';
import { parseWebhookOptions, webhookUsage } from './webhook-options.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['2160h', 2160 * 3_600_000],
    ['1.5s', 1500],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', 's', '10x', '1h 30m', '-5s'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('parseWebhookOptions', () => {
  it('has defaults that run a self-managed webhook for both CRDs', () => {
    const o = parseWebhookOptions([], {});
    expect(o).toMatchObject({
      port: 9443,
      healthProbeBindAddress: { host: '0.0.0.0', port: 8081 },
      certMode: 'self-managed',
      injectCABundle: true,
      wireCRDConversion: false,
      crdInjectCAFrom: undefined,
      crds: ['apigatewayroutes.gateway.example.com', 'aimodels.ai.example.com'],
      caValidityMs: 365 * 24 * 3_600_000,
      certValidityMs: 90 * 24 * 3_600_000,
      maxRequestBytes: 16 * 1024 * 1024,
      logLevel: 'info',
    });
  });

  it('takes flags over environment variables', () => {
    const o = parseWebhookOptions(
      ['--port=10443', '--extra-sans=a.example.com', '--extra-sans', '10.0.0.1,b'],
      {
        WEBHOOK_PORT: '11443',
        WEBHOOK_HEALTH_PROBE_BIND_ADDRESS: '127.0.0.1:9090',
        WEBHOOK_LOG_LEVEL: 'debug',
      },
    );
    expect(o.port).toBe(10443);
    expect(o.healthProbeBindAddress).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(o.logLevel).toBe('debug');
    expect(o.extraSANs).toEqual(['a.example.com', '10.0.0.1', 'b']);
  });

  it('serves health at host:port, as the controller', () => {
    const o = parseWebhookOptions(['--health-probe-bind-address=[::1]:9090'], {});
    expect(o.healthProbeBindAddress).toEqual({ host: '::1', port: 9090 });
    expect(o.deprecatedFlags).toEqual([]);
    expect(() => parseWebhookOptions(['--health-probe-bind-address=8081'], {})).toThrow(
      '--health-probe-bind-address: Invalid value: "8081": must be host:port or :port',
    );
  });

  it('still takes the deprecated health flags, over the parts of the address they name', () => {
    expect(parseWebhookOptions(['--health-bind-address=127.0.0.1', '--health-port=9090'], {})).toMatchObject({
      healthProbeBindAddress: { host: '127.0.0.1', port: 9090 },
      deprecatedFlags: ['health-bind-address', 'health-port'],
    });
    expect(
      parseWebhookOptions(['--health-probe-bind-address=127.0.0.1:8081'], { WEBHOOK_HEALTH_PORT: '9090' }),
    ).toMatchObject({
      healthProbeBindAddress: { host: '127.0.0.1', port: 9090 },
      deprecatedFlags: ['health-port'],
    });
    expect(() => parseWebhookOptions(['--health-port=http'], {})).toThrow(
      '--health-port: Invalid value: "http": must be a port, 0-65535',
    );
  });

  it('keeps extra IP addresses in the spelling the certificate is read back in', () => {
    expect(
      parseWebhookOptions(['--extra-sans=2001:DB8::1,fd00:0:0::1,Webhook.example.com'], {}).extraSANs,
    ).toEqual(['2001:db8::1', 'fd00::1', 'Webhook.example.com']);
  });

  it('defaults the namespaces to the pod namespace', () => {
    expect(parseWebhookOptions([], { POD_NAMESPACE: 'ops' })).toMatchObject({
      certSecretNamespace: 'ops',
      serviceNamespace: 'ops',
    });
    expect(parseWebhookOptions(['--secret-namespace=certs'], {}).certSecretNamespace).toBe('certs');
    expect(parseWebhookOptions([], {}).serviceNamespace).toBe('ai-gateway-operator');
  });

  it('runs from a cert dir alone', () => {
    const o = parseWebhookOptions(
      ['--cert-mode=cert-dir', '--cert-dir=/certs', '--max-request-bytes=512Ki'],
      {},
    );
    expect(o).toMatchObject({ certMode: 'cert-dir', certDir: '/certs', maxRequestBytes: 512 * 1024 });
  });

  it('wires the CRDs for cert-manager from a cert dir', () => {
    const o = parseWebhookOptions(
      [
        '--cert-mode=cert-dir',
        '--cert-dir=/certs',
        '--wire-crd-conversion=true',
        '--crd-inject-ca-from=platform/gw-webhook',
      ],
      {},
    );
    expect(o).toMatchObject({ wireCRDConversion: true, crdInjectCAFrom: 'platform/gw-webhook' });
    expect(
      parseWebhookOptions(['--cert-mode=secret'], { WEBHOOK_WIRE_CRD_CONVERSION: 'true' }).wireCRDConversion,
    ).toBe(true);
  });

  it('takes timer durations up to what a Node timer can wait, and lifetimes of any length', () => {
    const o = parseWebhookOptions(
      ['--cert-check-interval=2147483647ms', '--ca-validity=87600h', '--cert-validity=8760h'],
      {},
    );
    expect(o.certCheckIntervalMs).toBe(2 ** 31 - 1);
    expect(o.caValidityMs).toBe(87600 * 3_600_000);
    expect(o.certValidityMs).toBe(8760 * 3_600_000);
  });

  it.each([
    [['--port=70000'], '--port: Invalid value: "70000": must be a port, 0-65535'],
    [
      ['--cert-mode=vault'],
      '--cert-mode: Unsupported value: "vault": supported values: self-managed, cert-dir, secret',
    ],
    [['--cert-mode=cert-dir'], '--cert-dir: Required value'],
    [['--cert-dir=/x'], '--cert-dir: Forbidden: only with --cert-mode=cert-dir'],
    [['--ca-validity=soon'], '--ca-validity: Invalid value: "soon": must be a duration'],
    [['--inject-ca-bundle=yes'], '--inject-ca-bundle: Invalid value: "yes": must be true or false'],
    [['--max-request-bytes=0'], '--max-request-bytes: Invalid value: "0"'],
    [['--renew-fraction=1.5'], '--renew-fraction: Invalid value: "1.5": must be between 0 and 1'],
    [
      ['--cert-validity=10h', '--ca-validity=5h'],
      '--cert-validity: Invalid value: must not be longer than --ca-validity',
    ],
    [
      ['--ca-validity=30s', '--cert-validity=10s', '--ca-announce-lead=20s'],
      '--ca-announce-lead: Invalid value',
    ],
    [['--wire-crd-conversion=1'], '--wire-crd-conversion: Invalid value: "1": must be true or false'],
    [
      ['--cert-mode=secret', '--wire-crd-conversion=true', '--crd-inject-ca-from=gw-webhook'],
      '--crd-inject-ca-from: Invalid value: "gw-webhook": must be <namespace>/<certificate>',
    ],
    [
      ['--cert-mode=secret', '--crd-inject-ca-from=platform/gw-webhook'],
      '--crd-inject-ca-from: Forbidden: only with --wire-crd-conversion=true',
    ],
    [
      ['--wire-crd-conversion=true', '--crd-inject-ca-from=platform/gw-webhook'],
      '--crd-inject-ca-from: Forbidden: not with --cert-mode=self-managed',
    ],
    [
      ['--cert-check-interval=720h'],
      '--cert-check-interval: Invalid value: "720h": must be a duration such as 500ms, 90s, 10m, at most 596h',
    ],
    [['--request-timeout=25d'], '--request-timeout: Invalid value: "25d": must be a duration'],
    [['--header-timeout=600h'], '--header-timeout: Invalid value: "600h": must be a duration'],
    [['--reference-cache-ttl=30d'], '--reference-cache-ttl: Invalid value: "30d": must be a duration'],
    [['--reference-timeout=2147483648ms'], '--reference-timeout: Invalid value: "2147483648ms"'],
    [
      ['--extra-sans=a.example.com,10.0.0.256'],
      '--extra-sans: Invalid value: "10.0.0.256": must be a DNS name or an IP address such as 10.0.0.1 or fd00::1',
    ],
    [['--extra-sans=fe80::1%eth0'], '--extra-sans: Invalid value: "fe80::1%eth0"'],
    [['--log-level=loud'], '--log-level: Unsupported value: "loud"'],
    [['--header-timeout=60s'], '--header-timeout: Invalid value: must not be longer than --request-timeout'],
    [['--no-such-flag'], "flags: Unknown option '--no-such-flag'"],
    [['--allow-local-egress=maybe'], '--allow-local-egress: Invalid value: "maybe": must be true or false'],
    [
      ['--allowed-model-images=ghcr.io/acme/,ghcr.io/acme/../'],
      '--allowed-model-images: Invalid value: "ghcr.io/acme/../": must be a registry or repository prefix',
    ],
    [
      ['--allowed-model-images=registry.example.com'],
      '--allowed-model-images: Invalid value: "registry.example.com": must be a registry or repository prefix such as "registry.example.com/models/"',
    ],
  ])('refuses %j', (argv, message) => {
    expect(() => parseWebhookOptions(argv, {})).toThrow(FlagError);
    expect(() => parseWebhookOptions(argv, {})).toThrow(message);
  });

  it('refuses local egress and allows any model image unless told otherwise', () => {
    expect(parseWebhookOptions([], {}).admissionPolicy).toEqual({
      allowLocalEgress: false,
      allowedModelImages: [],
    });
    const { admissionPolicy } = parseWebhookOptions(
      ['--allow-local-egress', '--allowed-model-images=registry.example.com/models/,ghcr.io/acme/'],
      {},
    );
    expect(admissionPolicy.allowLocalEgress).toBe(true);
    expect(admissionPolicy.allowedModelImages).toEqual([
      {
        text: 'registry.example.com/models/',
        registry: 'registry.example.com',
        path: ['models'],
        below: true,
      },
      { text: 'ghcr.io/acme/', registry: 'ghcr.io', path: ['acme'], below: true },
    ]);
    const fromEnv = parseWebhookOptions([], {
      WEBHOOK_ALLOW_LOCAL_EGRESS: 'true',
      WEBHOOK_ALLOWED_MODEL_IMAGES: 'acme/',
    }).admissionPolicy;
    expect(fromEnv).toEqual({
      allowLocalEgress: true,
      allowedModelImages: [{ text: 'acme/', registry: 'docker.io', path: ['acme'], below: true }],
    });
  });

  it('documents every flag with its environment variable', () => {
    const usage = webhookUsage('node dist/webhook/main.js');
    expect(usage).toMatch(/^Usage: node dist\/webhook\/main\.js \[flags\]\n/);
    expect(usage).toContain('--max-request-bytes');
    expect(usage).toContain('env WEBHOOK_MAX_REQUEST_BYTES');
    expect(usage).toContain('env WEBHOOK_SECRET_NAMESPACE');
  });
});
