// Where a gateway pod's reloader finds nginx: the pod definition (controller/children/gateway) and the
// reloader's defaults (gateway-reloader/) are both written from these. nginx's runtime directory, the
// renderer's default runtimeDirectory, is mounted read-only into the reloader, which reads nginx's pid file
// and the file nginx logs [emerg] lines to (its `-g "error_log <file> emerg;"`) from there.
import { DEFAULT_RUNTIME_DIRECTORY } from './gateway-options.ts';

/** Written by the renderer as `pid "<runtimeDirectory>/nginx.pid"`. */
export const NGINX_PID_FILE = 'nginx.pid';
/** Holds why nginx refused a configuration on reload; nothing else is logged at [emerg]. */
export const RELOAD_ERROR_LOG_FILE = 'reload-errors.log';
/** nginx's runtime directory in the nginx container. */
export const NGINX_RUNTIME_DIR = DEFAULT_RUNTIME_DIRECTORY;
/** The same directory in the reloader container. */
export const RELOADER_NGINX_RUNTIME_DIR = '/run/nginx';
/** Where the gateway ConfigMap is mounted, in both containers. */
export const GATEWAY_CONFIG_DIR = '/etc/gateway/config';
/** The reloader's `GET /status` and `GET /healthz`, on the pod's address. */
export const DEFAULT_RELOADER_STATUS_PORT = 9901;
