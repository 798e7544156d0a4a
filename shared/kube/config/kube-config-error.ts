// A kubeconfig (or in-cluster configuration) that cannot be used, saying which file and which entry.
export class KubeConfigError extends Error {
  /** The file(s) or 'in-cluster' the configuration came from. */
  readonly source: string;
  constructor(message: string, source: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeConfigError';
    this.source = source;
  }
}
