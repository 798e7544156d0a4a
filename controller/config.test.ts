import { describe, expect, it } from '@jest/globals';
import {
  ControllerConfigError,
  DEFAULT_GATEWAY_IMAGE,
  controllerUsage,
  parseControllerConfig,
} from './config.ts';

describe('parseControllerConfig', () => {
  it('has defaults for everything', () => {
    expect(parseControllerConfig([], {})).toEqual({
      kubeconfig: undefined,
      namespaces: [],
      workers: 4,
      leaderElect: true,
      leaderElectionId: 'ai-gateway-operator-controller',
      leaderElectionNamespace: 'default',
      metricsBindAddress: { host: '0.0.0.0', port: 8080 },
      healthProbeBindAddress: { host: '0.0.0.0', port: 8081 },
      logLevel: 'info',
      gatewayImage: DEFAULT_GATEWAY_IMAGE,
      gatewayResolver: undefined,
      help: false,
    });
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
    [['--log-level=trace'], '--log-level: Invalid value: "trace": must be one of error, warn, info, debug'],
    [['--leader-election-id=Bad_Id'], '--leader-election-id: Invalid value: "Bad_Id"'],
    [['--no-such-flag'], "flags: Unknown option '--no-such-flag'"],
  ])('rejects %j naming the flag and what is allowed', (argv, message) => {
    expect(() => parseControllerConfig(argv, {})).toThrow(ControllerConfigError);
    expect(() => parseControllerConfig(argv, {})).toThrow(message);
  });

  it('documents every flag with its environment variable', () => {
    const usage = controllerUsage();
    expect(usage).toContain('--gateway-resolver');
    expect(usage).toContain('env CONTROLLER_HEALTH_PROBE_BIND_ADDRESS');
  });
});
