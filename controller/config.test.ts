import { describe, expect, it } from '@jest/globals';
import { FlagError } from '../shared/config/flags.ts';
import {
  DEFAULT_GATEWAY_IMAGE,
  DEFAULT_RELOADER_IMAGE,
  controllerUsage,
  gatewayPodSettings,
  parseControllerConfig,
} from './config.ts';

describe('parseControllerConfig', () => {
  it('has defaults for everything', () => {
    expect(parseControllerConfig([], {})).toEqual({
      kubeconfig: undefined,
      namespaces: [],
      workers: 4,
      leaderElect: true,
      leaderElectionID: 'ai-gateway-operator-controller',
      leaderElectionNamespace: 'default',
      metricsBindAddress: { host: '0.0.0.0', port: 8080 },
      healthProbeBindAddress: { host: '0.0.0.0', port: 8081 },
      logLevel: 'info',
      gatewayImage: DEFAULT_GATEWAY_IMAGE,
      gatewayResolver: undefined,
      gatewayResources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      allowLocalEgress: false,
      allowedModelImages: [],
      gatewayReloaderImage: DEFAULT_RELOADER_IMAGE,
      gatewayReloaderPort: 9901,
      gatewayWorkerShutdownTimeoutSeconds: 300,
      gatewayTerminationGracePeriodSeconds: 330,
    });
  });

  it("takes the gateway pods' reloader and shutdown times from flags and variables", () => {
    const config = parseControllerConfig(
      [
        '--gateway-reloader-image=registry.example/ago:1.2.3',
        '--gateway-worker-shutdown-timeout-seconds=600',
      ],
      {
        CONTROLLER_GATEWAY_RELOADER_PORT: '9100',
        CONTROLLER_GATEWAY_TERMINATION_GRACE_PERIOD_SECONDS: '660',
      },
    );
    expect(gatewayPodSettings(config)).toEqual({
      image: DEFAULT_GATEWAY_IMAGE,
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      reloaderImage: 'registry.example/ago:1.2.3',
      reloaderStatusPort: 9100,
      workerShutdownTimeoutSeconds: 600,
      terminationGracePeriodSeconds: 660,
    });
  });

  it('defaults the reloader to this version of the operator image', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default;
    expect(DEFAULT_RELOADER_IMAGE).toBe(`ghcr.io/example/ai-gateway-operator:${version}`);
  });

  it('reads flags, then CONTROLLER_* variables', () => {
    const config = parseControllerConfig(
      [
        '--kubeconfig',
        '/tmp/kc',
        '--namespaces=a,b',
        '--namespaces',
        'c',
        '--workers=8',
        '--leader-elect=false',
        '--metrics-bind-address=0',
        '--health-probe-bind-address=127.0.0.1:0',
        '--gateway-resolver=10.96.0.10',
      ],
      { CONTROLLER_LOG_LEVEL: 'debug', CONTROLLER_WORKERS: '2', POD_NAMESPACE: 'operators' },
    );
    expect(config).toMatchObject({
      kubeconfig: '/tmp/kc',
      namespaces: ['a', 'b', 'c'],
      workers: 8,
      leaderElect: false,
      leaderElectionNamespace: 'operators',
      metricsBindAddress: undefined,
      healthProbeBindAddress: { host: '127.0.0.1', port: 0 },
      logLevel: 'debug',
      gatewayResolver: '10.96.0.10',
    });
  });

  it('takes a bare --leader-elect as true, an IPv6 bind address, a resolver with a port', () => {
    const config = parseControllerConfig(
      ['--leader-elect', '--metrics-bind-address=[::1]:9090', '--gateway-resolver=127.0.0.1:5353'],
      { CONTROLLER_LEADER_ELECT: 'false' },
    );
    expect(config.leaderElect).toBe(true);
    expect(config.gatewayResolver).toBe('127.0.0.1:5353');
    expect(config.metricsBindAddress).toEqual({ host: '::1', port: 9090 });
  });

  it('allows local egress only when asked, by flag or variable', () => {
    expect(parseControllerConfig(['--allow-local-egress'], {}).allowLocalEgress).toBe(true);
    expect(parseControllerConfig([], { CONTROLLER_ALLOW_LOCAL_EGRESS: 'true' }).allowLocalEgress).toBe(true);
    expect(() => parseControllerConfig(['--allow-local-egress=yes please'], {})).toThrow(FlagError);
  });

  it('takes the images models may run, refusing a value that is no prefix with the forms allowed', () => {
    expect(parseControllerConfig([], {}).allowedModelImages).toEqual([]);
    const prefixes = parseControllerConfig(
      ['--allowed-model-images=ghcr.io/acme/,registry.example.com/m'],
      {},
    );
    expect(prefixes.allowedModelImages.map((p) => p.text)).toEqual([
      'ghcr.io/acme/',
      'registry.example.com/m',
    ]);
    expect(() => parseControllerConfig(['--allowed-model-images=ghcr.io/acme:1'], {})).toThrow(
      /--allowed-model-images: Invalid value: "ghcr.io\/acme:1": must be a registry or repository prefix/,
    );
  });

  it('takes gateway requests and limits from flags and variables, empty meaning none', () => {
    const config = parseControllerConfig(
      ['--gateway-cpu-request=0.25', '--gateway-cpu-limit=1', '--gateway-memory-request='],
      { CONTROLLER_GATEWAY_MEMORY_LIMIT: '1Gi' },
    );
    expect(config.gatewayResources).toEqual({
      requests: { cpu: '0.25' },
      limits: { cpu: '1', memory: '1Gi' },
    });
    expect(
      parseControllerConfig(['--gateway-cpu-request=', '--gateway-memory-limit='], {
        CONTROLLER_GATEWAY_MEMORY_REQUEST: '',
      }).gatewayResources,
    ).toEqual({ requests: {}, limits: {} });
  });

  it('accepts a request equal to its limit, whatever the notation', () => {
    const config = parseControllerConfig(
      [
        '--gateway-cpu-request=0.5',
        '--gateway-cpu-limit=500m',
        '--gateway-memory-request=1Gi',
        '--gateway-memory-limit=1024Mi',
      ],
      {},
    );
    expect(config.gatewayResources).toEqual({
      requests: { cpu: '0.5', memory: '1Gi' },
      limits: { cpu: '500m', memory: '1024Mi' },
    });
  });

  it.each([
    [
      ['--gateway-cpu-request=lots'],
      '--gateway-cpu-request: Invalid value: "lots": must be a quantity of at least 0 such as "100m" or "0.5", or empty for none',
    ],
    [
      ['--gateway-memory-limit=-1Gi'],
      '--gateway-memory-limit: Invalid value: "-1Gi": must be a quantity of at least 0 such as "64Mi" or "1Gi"',
    ],
    [['--gateway-memory-request=64MB'], '--gateway-memory-request: Invalid value: "64MB"'],
    [['--gateway-cpu-limit=1.5 cores'], '--gateway-cpu-limit: Invalid value: "1.5 cores"'],
    [
      ['--gateway-cpu-request=2', '--gateway-cpu-limit=1500m'],
      '--gateway-cpu-request: Invalid value: "2": must not exceed --gateway-cpu-limit (1500m)',
    ],
    [
      ['--gateway-memory-request=512Mi'],
      '--gateway-memory-request: Invalid value: "512Mi": must not exceed --gateway-memory-limit (256Mi)',
    ],
  ])('rejects gateway resources %j', (argv, message) => {
    expect(() => parseControllerConfig(argv, {})).toThrow(FlagError);
    expect(() => parseControllerConfig(argv, {})).toThrow(message);
  });

  it.each([
    [['--workers=0'], '--workers: Invalid value: "0": must be an integer from 1 to 64'],
    [['--leader-elect=yes'], '--leader-elect: Invalid value: "yes": must be true or false'],
    [['--namespaces=Prod'], '--namespaces: Invalid value: "Prod": each namespace must be a DNS label'],
    [['--gateway-resolver=kube-dns'], '--gateway-resolver: Invalid value: "kube-dns": must be an IP address'],
    [['--gateway-resolver=10.0.0.1:99999'], '--gateway-resolver: Invalid value: "10.0.0.1:99999"'],
    [
      ['--metrics-bind-address=8080'],
      '--metrics-bind-address: Invalid value: "8080": must be host:port or :port',
    ],
    [
      ['--log-level=trace'],
      '--log-level: Unsupported value: "trace": supported values: error, warn, info, debug',
    ],
    [['--leader-election-id=Bad_Id'], '--leader-election-id: Invalid value: "Bad_Id"'],
    [['--no-such-flag'], "flags: Unknown option '--no-such-flag'"],
    [
      ['--gateway-reloader-port=8080'],
      '--gateway-reloader-port: Invalid value: "8080": must be a port from 1 to 65535 other than nginx\'s 8080',
    ],
    [
      ['--gateway-worker-shutdown-timeout-seconds=0'],
      '--gateway-worker-shutdown-timeout-seconds: Invalid value: "0": must be a whole number of seconds from 1 to 86400',
    ],
    [
      ['--gateway-worker-shutdown-timeout-seconds=600'],
      '--gateway-termination-grace-period-seconds: Invalid value: "330": must exceed --gateway-worker-shutdown-timeout-seconds (600)',
    ],
  ])('rejects %j naming the flag and what is allowed', (argv, message) => {
    expect(() => parseControllerConfig(argv, {})).toThrow(FlagError);
    expect(() => parseControllerConfig(argv, {})).toThrow(message);
  });

  it('documents every flag with its environment variable', () => {
    const usage = controllerUsage('node dist/controller/main.js');
    expect(usage).toMatch(/^Usage: node dist\/controller\/main\.js \[flags\]\n/);
    expect(usage).toContain('--gateway-resolver');
    expect(usage).toContain('--gateway-memory-limit');
    expect(usage).toContain('env CONTROLLER_GATEWAY_CPU_REQUEST');
    expect(usage).toContain('env CONTROLLER_HEALTH_PROBE_BIND_ADDRESS');
  });
});
