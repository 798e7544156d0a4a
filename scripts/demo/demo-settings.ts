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

/**
 * The OpenAI-compatible servers the sample AIModels name (samples/13-aimodels-with-fallback.yaml), each
 * played on this machine by a fake server at the port, on a loopback address of its own in the echo
 * server's range; and the usage each answer of it reports.
 */
export const MODEL_SERVER_PORT = 8000;
export const PRIMARY_MODEL_SERVER = { service: 'llm-primary', usage: { prompt: 12, completion: 5 } };
export const FALLBACK_MODEL_SERVER = { service: 'llm-fallback', usage: { prompt: 9, completion: 4 } };

/** The sample AI route (samples/34-route-openai-models.yaml), its models and the provider key's Secret. */
export const AI_ROUTE = 'openai-route';
export const AI_ROUTE_PATH = '/openai/v1';
export const PRIMARY_MODEL = { name: 'gpt-4o', modelName: 'gpt-4o' };
export const FALLBACK_MODEL = {
  name: 'llama-3-fallback',
  providerModelName: 'meta-llama/Meta-Llama-3-8B-Instruct',
};
export const PROVIDER_KEY_SECRET = { name: 'demo-provider-key', key: 'api-key' };
