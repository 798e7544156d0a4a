// The shapes tests read from rendered manifests, and lookups over them that fail with what was there.
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  lifecycle?: Record<string, unknown>;
}

interface Probe {
  httpGet?: { path: string; port: number | string };
}

export interface PodSpec {
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Record<string, unknown>[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  [field: string]: unknown;
}

export interface Deployment extends RenderedObject {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    strategy?: Record<string, unknown>;
  };
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface RBACRole extends RenderedObject {
  rules: PolicyRule[];
}

export interface RoleBinding extends RenderedObject {
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}

interface WebhookClientConfig {
  url?: string;
  service?: { name: string; namespace: string; path: string; port: number };
  caBundle?: string;
}

export interface Webhook {
  name: string;
  clientConfig: WebhookClientConfig;
  rules: {
    apiGroups: string[];
    apiVersions: string[];
    resources: string[];
    operations: string[];
    scope?: string;
  }[];
  failurePolicy: string;
  sideEffects: string;
  matchPolicy: string;
  timeoutSeconds: number;
  admissionReviewVersions: string[];
  reinvocationPolicy?: string;
}

export interface WebhookConfiguration extends RenderedObject {
  webhooks: Webhook[];
}

export function objectsOfKind<T extends RenderedObject = RenderedObject>(
  objects: readonly RenderedObject[],
  kind: string,
): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

/** The one object of that kind (and name); throws listing what there is otherwise. */
export function findObject<T extends RenderedObject = RenderedObject>(
  objects: readonly RenderedObject[],
  kind: string,
  name?: string,
): T {
  const matches = objectsOfKind<T>(objects, kind).filter(
    (o) => name === undefined || o.metadata.name === name,
  );
  if (matches.length !== 1) {
    const present = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(
      `expected one ${kind}${name ? ` named ${name}` : ''}, found ${matches.length} among: ${present}`,
    );
  }
  return matches[0] as T;
}

/** The port number a probe or Service targets, resolving a port name against the container. */
export function containerPort(container: Container, port: number | string): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`container ${container.name} has no port named ${port}`);
  return named.containerPort;
}

/** The value of `--flag=value` in a command line; undefined when absent. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const prefix = `--${flag}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}
