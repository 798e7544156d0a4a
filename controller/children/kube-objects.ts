// The slice of the built-in kinds the controller writes (and reads back for status): ConfigMap, Service
// and apps/v1 Deployment, in their JSON shape; and of the gateway pods it reads.
import type { KubeObject, ObjectMeta } from '../../shared/kube/meta-v1-types.ts';
import type { EnvVar, ResourceRequirements } from '../../shared/kube/core-v1-types.ts';

export interface ConfigMap extends KubeObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  data: Record<string, string>;
}

interface ServicePort {
  name: string;
  port: number;
  targetPort?: number | string;
  protocol: 'TCP';
}

interface ServiceSpec {
  type: 'ClusterIP' | 'ExternalName';
  selector?: Record<string, string>;
  ports?: ServicePort[];
  externalName?: string;
  /** Assigned by the API server; read, never written. */
  clusterIP?: string;
}

export interface Service extends KubeObject {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: ServiceSpec;
}

export interface Probe {
  tcpSocket?: { port: number | string };
  httpGet?: { path: string; port: number | string };
  initialDelaySeconds?: number;
  periodSeconds: number;
  timeoutSeconds?: number;
  failureThreshold: number;
}

export interface ContainerSecurityContext {
  allowPrivilegeEscalation: false;
  readOnlyRootFilesystem?: boolean;
  runAsNonRoot: true;
  capabilities: { drop: ['ALL'] };
  seccompProfile: { type: 'RuntimeDefault' };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports: { name: string; containerPort: number; protocol: 'TCP' }[];
  env?: EnvVar[];
  resources?: ResourceRequirements;
  /** Without one, the container counts as ready once it runs. */
  readinessProbe?: Probe;
  livenessProbe: Probe;
  securityContext: ContainerSecurityContext;
  volumeMounts?: VolumeMount[];
}

export interface Volume {
  name: string;
  configMap?: { name: string; items?: { key: string; path: string }[] };
  secret?: { secretName: string; optional?: boolean; items?: { key: string; path: string }[] };
  emptyDir?: { medium?: 'Memory'; sizeLimit?: string };
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    automountServiceAccountToken: false;
    /** Lets one container see and signal the processes of the others (same user only). */
    shareProcessNamespace?: boolean;
    terminationGracePeriodSeconds?: number;
    securityContext: {
      runAsNonRoot: true;
      runAsUser?: number;
      runAsGroup?: number;
      seccompProfile: { type: 'RuntimeDefault' };
    };
    containers: Container[];
    volumes?: Volume[];
  };
}

interface DeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** What the Deployment controller reports; read, never written. */
interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
}

export interface Deployment extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec: {
    /** Omitted where the number of pods is left to people and autoscalers (the API server defaults 1). */
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: PodTemplate;
  };
  status?: DeploymentStatus;
}

/** A pod as the controller reads it (gateway pods, for their reloader's address); never written. */
export interface Pod extends KubeObject {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: { containers: Pick<Container, 'name' | 'ports'>[] };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: 'True' | 'False' | 'Unknown' }[];
  };
}
