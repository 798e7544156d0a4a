// How to reach and authenticate to one API server: the current context of a kubeconfig, or the pod's
// in-cluster service account. File paths are absolute; file contents are read per request by the
// credentials (auth/), so a rotated file is used without reloading this.

/** A client-go credential plugin (users[].user.exec). */
export interface ExecConfig {
  /** client.authentication.k8s.io/v1 or v1beta1: the ExecCredential version exchanged. */
  apiVersion: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  /** Pass the cluster's server and CA to the plugin in KUBERNETES_EXEC_INFO. */
  provideClusterInfo: boolean;
  installHint?: string;
}

export interface ClusterSettings {
  server: string;
  caFile?: string;
  caData?: Buffer;
  insecureSkipTLSVerify: boolean;
  tlsServerName?: string;
  /** An http:// or https:// proxy the connections go through (proxy-url). */
  proxyURL?: string;
}

export interface UserSettings {
  /** The kubeconfig's name for the user, for messages. */
  name: string;
  token?: string;
  /** Read again whenever the file changes (a projected service-account token rotates hourly). */
  tokenFile?: string;
  username?: string;
  password?: string;
  clientCertificateFile?: string;
  clientCertificateData?: Buffer;
  clientKeyFile?: string;
  clientKeyData?: Buffer;
  exec?: ExecConfig;
  impersonate?: { user?: string; groups: string[] };
}

export interface ClusterAccess {
  /** Where it came from, for messages: the kubeconfig file(s), or 'in-cluster'. */
  source: string;
  cluster: ClusterSettings;
  user: UserSettings;
  /** The context's default namespace, if any. */
  namespace?: string;
}
