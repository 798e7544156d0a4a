// The gateway configuration the controller wrote into a cluster ConfigMap, made runnable by the nginx on
// this machine. Only where the pod's filesystem and ports differ is anything changed: the listen ports,
// the runtime directory (/tmp in the pod), the access log (standard output in the pod), the njs module
// and the API-key Secret mounts. Routing, matching, limits and the resolver stay exactly as written.
import {
  DEFAULT_API_KEYS_DIRECTORY,
  DEFAULT_LISTEN_PORT,
  DEFAULT_METRICS_PORT,
  DEFAULT_MODULES_DIRECTORY,
  DEFAULT_RUNTIME_DIRECTORY,
} from '../../../shared/gateway/gateway-options.ts';

export interface LocalGatewayPaths {
  port: number;
  /** Of the metrics server every gateway runs, on 127.0.0.1 too: never the pod's 9113 on every address. */
  metricsPort: number;
  runtimeDirectory: string;
  accessLog: string;
  modulesDirectory: string;
  apiKeysDirectory: string;
}

class ConfigLayoutError extends Error {
  readonly expected: string;
  constructor(expected: string) {
    super(`the gateway configuration has no ${expected}; the pod layout it was written for has changed`);
    this.name = 'ConfigLayoutError';
    this.expected = expected;
  }
}

function replaceRequired(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new ConfigLayoutError(JSON.stringify(from));
  return text.replaceAll(from, to);
}

export function localGatewayConfig(config: string, paths: LocalGatewayPaths): string {
  let text = replaceRequired(config, `listen ${DEFAULT_LISTEN_PORT} `, `listen 127.0.0.1:${paths.port} `);
  text = replaceRequired(text, `listen ${DEFAULT_METRICS_PORT};`, `listen 127.0.0.1:${paths.metricsPort};`);
  text = replaceRequired(text, `"${DEFAULT_RUNTIME_DIRECTORY}/`, `"${paths.runtimeDirectory}/`);
  text = replaceRequired(text, 'access_log "/dev/stdout"', `access_log "${paths.accessLog}"`);
  text = text.replaceAll(`"${DEFAULT_MODULES_DIRECTORY}/`, `"${paths.modulesDirectory}/`);
  return text.replaceAll(`${DEFAULT_API_KEYS_DIRECTORY}/`, `${paths.apiKeysDirectory}/`);
}
