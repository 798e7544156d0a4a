// What the demo installs and where: names, folders and the bounds of its waits.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLES_DIR = fileURLToPath(new URL('../../samples/', import.meta.url));
export const SEEDS_DIR = fileURLToPath(new URL('../../test/fixtures/seeds/', import.meta.url));
export const INVALID_SAMPLE = fileURLToPath(
  new URL('../../samples/invalid/aimodel-requests-over-limit.yaml', import.meta.url),
);

/** The chart's default release name and namespace, which its CRDs' conversion settings also name. */
export const RELEASE = 'ai-gateway-operator';
export const OPERATOR_NAMESPACE = 'ai-gateway-operator';
export const CONTROLLER_SERVICE_ACCOUNT = `${RELEASE}-controller`;
export const WEBHOOK_SERVICE_ACCOUNT = `${RELEASE}-webhook`;
export const CONTROLLER_DEPLOYMENT = `${RELEASE}-controller`;

/** Where the samples and seeds go (one seed names it), so all routes share the gateway "default". */
export const SAMPLES_NAMESPACE = 'default';
/** The ConfigMap, Deployment and Service of the gateway "default". */
export const GATEWAY_CHILD_NAME = 'agw-default';

/** The Service the sample routes send to, and its port (samples/00-echo-backend.yaml). */
export const ECHO_SERVICE = 'echo';
export const ECHO_PORT = 5678;
/**
 * The echo server takes a loopback address of its own in this range, picked at random, so its fixed port
 * clashes neither with servers on 127.0.0.1 nor with another demo running on the machine.
 */
export const ECHO_ADDRESS_PREFIX = '127.86';

/** Label every child the controller makes carries. */
export const MANAGED_BY_SELECTOR = 'app.kubernetes.io/managed-by=ai-gateway-operator';

export const READY_TIMEOUT_SECONDS = 180;
