export class ConversionError extends Error {
  readonly apiVersion: string;
  readonly kind: string;
  constructor(message: string, apiVersion: string, kind: string) {
    super(message);
    this.name = 'ConversionError';
    this.apiVersion = apiVersion;
    this.kind = kind;
  }
}
