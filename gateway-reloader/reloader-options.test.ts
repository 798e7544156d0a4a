import { describe, expect, it } from '@jest/globals';
import { parseReloaderOptions } from './reloader-options.ts';

describe('parseReloaderOptions', () => {
  it('defaults to the gateway pod layout', () => {
    expect(parseReloaderOptions([], {})).toEqual({
      configDir: '/etc/gateway/config',
      nginxPIDFile: '/run/nginx/nginx.pid',
      nginxErrorLog: '/run/nginx/reload-errors.log',
      nginxURL: 'http://127.0.0.1:8080',
      statusHost: '0.0.0.0',
      statusPort: 9901,
      reloadTimeoutMs: 60_000,
      pollIntervalMs: 1000,
      logLevel: 'info',
    });
  });

  it('takes flags before the environment', () => {
    const options = parseReloaderOptions(['--status-address=127.66.0.5:9100'], {
      RELOADER_STATUS_ADDRESS: ':1',
      RELOADER_NGINX_URL: 'http://127.0.0.1:18080',
    });
    expect(options).toMatchObject({
      statusHost: '127.66.0.5',
      statusPort: 9100,
      nginxURL: 'http://127.0.0.1:18080',
    });
  });

  it.each([
    [['--config-dir=relative'], '--config-dir: Invalid value: "relative": must be an absolute path'],
    [['--status-address=localhost:9901'], '--status-address: Invalid value'],
    [['--nginx-url=http://127.0.0.1:8080/x'], '--nginx-url: Invalid value'],
    [['--reload-timeout-seconds=0'], 'must be an integer from 1 to 3600'],
    [['--unknown=1'], 'flags:'],
  ])('stops at %j', (argv, message) => {
    expect(() => parseReloaderOptions(argv, {})).toThrow(message);
  });
});
