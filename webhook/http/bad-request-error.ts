// A request the webhook cannot answer with a review at all (not JSON, not a review, no uid): answered
// with an HTTP 4xx and a metav1.Status body saying what was wrong and what is expected.

export class BadRequestError extends Error {
  readonly statusCode: number;
  /** The part of the request that was wrong, e.g. `request.uid`. */
  readonly field: string | undefined;
  constructor(message: string, opts: { statusCode?: number; field?: string } = {}) {
    super(message);
    this.name = 'BadRequestError';
    this.statusCode = opts.statusCode ?? 400;
    this.field = opts.field;
  }
}
