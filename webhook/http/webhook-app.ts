// The HTTP side of the webhook: one path per kind and role plus /convert. Every request gets an answer —
// a review (allowed, denied, or failed with a reason) or a 4xx/5xx with a metav1.Status body — and no
// request, however malformed, can take the process down.
//
// A plain review (POST to a webhook path exactly, with a Content-Length within the limit, no content
// encoding and no charset) is read and answered directly on Node's request and response, as the API server
// sends every review; everything else (other methods and paths, compressed or chunked bodies, charsets,
// bodies over the limit) goes through Express and body-parser. Both ways share the handlers and the
// answers, so a request is answered the same whichever way it takes.
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIKind } from '../../shared/api/kinds.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { errorMessage } from '../../shared/util/error-message.ts';
import type { AdmissionRequest, AdmissionResponse } from '../admission/admission-review.ts';
import { admissionReview, badRequestResponse, parseAdmissionReview } from '../admission/admission-review.ts';
import { AdmissionTargetError } from '../admission/admission-target.ts';
import { mutateAdmission } from '../admission/mutate-admission.ts';
import { validateAdmission } from '../admission/validate-admission.ts';
import { conversionReviewJSON, parseConversionReview } from '../conversion/conversion-review.ts';
import { convertObjects } from '../conversion/convert-objects.ts';
import type { WebhookDomain } from '../domain/webhook-domain.ts';
import type { WebhookMetrics } from '../metrics/webhook-metrics.ts';
import type { ReferenceChecker } from '../references/reference-checker.ts';
import { BadRequestError } from './bad-request-error.ts';
import { failureStatus } from './kube-status.ts';
import { readPlainBody, isPlainReview, type BodyError } from './plain-body.ts';

export interface WebhookAppOptions {
  kinds: readonly APIKind[];
  domain: WebhookDomain;
  references: ReferenceChecker;
  metrics: WebhookMetrics;
  logger: Logger;
  maxBodyBytes: number;
}

/** A Node request listener, for an HTTP(S) server. */
export type WebhookApp = (req: IncomingMessage, res: ServerResponse) => void;

export const CONVERT_PATH = '/convert';
export const validatePath = (k: APIKind): string => `/validate/${k.plural}`;
export const mutatePath = (k: APIKind): string => `/mutate/${k.plural}`;

type AdmissionHandler = (req: AdmissionRequest) => Promise<AdmissionResponse> | AdmissionResponse;

/** Answers a parsed review body; throws (or rejects) for what the error handler answers. */
type ReviewHandler = (body: unknown, res: ServerResponse) => Promise<void> | void;

function bodyErrorMessage(err: BodyError): string {
  switch (err.type) {
    case 'entity.too.large':
      return `request body: Too long: ${err.length ?? 'more than the limit'} bytes; must be at most ${err.limit} bytes`;
    case 'entity.parse.failed':
      return `request body: Invalid value: not JSON: ${err.message}`;
    case 'request.aborted':
      return 'request body: the client closed the connection before sending all of it';
    default:
      return `request body: ${err.message}`;
  }
}

/** JSON bytes, written with the headers in one go. */
function sendBytes(res: ServerResponse, code: number, body: Buffer, headers?: Record<string, string>): void {
  res.writeHead(code, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
  });
  res.end(body);
}

/** `value` as JSON in one buffer, written with the headers in one go. */
function sendJSON(res: ServerResponse, code: number, value: unknown, headers?: Record<string, string>): void {
  const json = JSON.stringify(value);
  // The UTF-8 bytes of an ASCII string (as long as its characters) are its Latin-1 bytes, which are
  // copied rather than encoded.
  const body = Buffer.byteLength(json) === json.length ? Buffer.from(json, 'latin1') : Buffer.from(json);
  sendBytes(res, code, body, headers);
}

// Express reads a missing body as {}; say what is actually wrong instead.
function missingBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined);
}
const MISSING_BODY = 'request body: Required value: must be a JSON review';

function track(metrics: WebhookMetrics, webhook: string, res: ServerResponse): void {
  const done = metrics.requestStarted(webhook);
  res.on('finish', () => done(res.statusCode));
  // A client that goes away still leaves the in-flight gauge.
  res.on('close', () => done(res.writableFinished ? res.statusCode : 499));
}

export function createWebhookApp(opts: WebhookAppOptions): WebhookApp {
  const { logger, metrics } = opts;
  const handlers = new Map<string, ReviewHandler>();

  function admissionHandler(
    path: string,
    role: 'validate' | 'mutate',
    apiKind: APIKind,
    handle: AdmissionHandler,
  ) {
    return async (body: unknown, res: ServerResponse): Promise<void> => {
      const review = parseAdmissionReview(body);
      const started = performance.now();
      const fields = {
        webhook: path,
        uid: review.uid,
        kind: `${review.kind.group}/${review.kind.version}, Kind=${review.kind.kind}`,
        namespace: review.namespace,
        name: review.name,
        operation: review.operation,
        dryRun: review.dryRun,
      };
      let response: AdmissionResponse;
      try {
        response = await handle(review);
      } catch (err) {
        if (err instanceof AdmissionTargetError) {
          response = badRequestResponse(review.uid, err.message);
        } else {
          logger.error('admission failed', {
            ...fields,
            error: errorMessage(err),
            stack: err instanceof Error ? err.stack : undefined,
          });
          // What went wrong inside stays in the log, found by the request's uid.
          response = {
            uid: review.uid,
            allowed: false,
            status: {
              code: 500,
              reason: 'InternalError',
              message: `${role} ${apiKind.kind}.${apiKind.group}: internal error; the webhook's log has it under uid ${review.uid}`,
            },
          };
        }
      }
      logger.info('admission decided', {
        ...fields,
        decision: response.allowed ? (response.patch ? 'patched' : 'allowed') : 'denied',
        ...(response.status ? { code: response.status.code, reason: response.status.message } : {}),
        warnings: response.warnings?.length ?? 0,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      });
      sendJSON(res, 200, admissionReview(response));
    };
  }

  for (const apiKind of opts.kinds) {
    const validate = validatePath(apiKind);
    const mutate = mutatePath(apiKind);
    handlers.set(
      validate,
      admissionHandler(validate, 'validate', apiKind, (r) =>
        validateAdmission(r, apiKind, { domain: opts.domain, references: opts.references }),
      ),
    );
    handlers.set(
      mutate,
      admissionHandler(mutate, 'mutate', apiKind, (r) =>
        mutateAdmission(r, apiKind, { domain: opts.domain }),
      ),
    );
  }

  handlers.set(CONVERT_PATH, (body, res) => {
    const review = parseConversionReview(body);
    const started = performance.now();
    const { response, warnings, internalError } = convertObjects(review, { domain: opts.domain });
    const fields = {
      webhook: CONVERT_PATH,
      uid: review.uid,
      desiredAPIVersion: review.desiredAPIVersion,
      objects: review.objects.length,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (internalError !== undefined) {
      logger.error('conversion failed', {
        ...fields,
        error: errorMessage(internalError),
        stack: internalError instanceof Error ? internalError.stack : undefined,
      });
    } else if (response.result.status === 'Failure') {
      logger.warn('conversion failed', { ...fields, reason: response.result.message });
    } else {
      logger.debug('conversion done', { ...fields, ...(warnings.length > 0 ? { warnings } : {}) });
    }
    sendBytes(res, 200, conversionReviewJSON(response));
  });
  const paths = [...handlers.keys()];

  /** The answer to anything thrown while reading or answering a request. */
  function refuse(err: unknown, path: string, res: ServerResponse): void {
    const e = err as BodyError;
    let code: number;
    let message: string;
    if (err instanceof BadRequestError) {
      code = err.statusCode;
      message = err.message;
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      code = e.status;
      message = bodyErrorMessage(e);
    } else {
      code = 500;
      message = 'internal error; the webhook logged it';
      logger.error('request failed', { path, error: errorMessage(err), stack: e.stack });
    }
    logger.info('request refused', { path, code, reason: message });
    if (res.headersSent) {
      res.end();
      return;
    }
    sendJSON(res, code, failureStatus(code, message));
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // The API server sends application/json; anything else is still read as JSON so the answer names the
  // real problem instead of an empty body.
  const json = express.json({ limit: opts.maxBodyBytes, type: () => true, strict: true });
  for (const [path, handle] of handlers) {
    app.post(
      path,
      (req: Request, res: Response, next: NextFunction) => {
        track(metrics, path, res);
        next(missingBody(req) ? new BadRequestError(MISSING_BODY) : undefined);
      },
      json,
      (req: Request, res: Response) => handle(req.body, res),
    );
  }
  app.all('/{*path}', (req: Request, res: Response) => {
    if (paths.includes(req.path)) {
      const message = `${req.method} ${req.path}: method not allowed; use POST`;
      sendJSON(res, 405, failureStatus(405, message), { Allow: 'POST' });
      return;
    }
    sendJSON(res, 404, failureStatus(404, `${req.path}: not found; webhook paths are ${paths.join(', ')}`));
  });
  // Express 5 routes rejected promises here too.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => refuse(err, req.path, res));

  return (req, res) => {
    const handle = req.method === 'POST' ? handlers.get(req.url ?? '') : undefined;
    if (handle === undefined || missingBody(req) || !isPlainReview(req, opts.maxBodyBytes)) {
      app(req, res);
      return;
    }
    const path = req.url as string;
    track(metrics, path, res);
    readPlainBody(req, (err, body) => {
      if (err !== undefined) {
        refuse(err, path, res);
        return;
      }
      try {
        const answered = handle(body, res);
        if (answered instanceof Promise) answered.catch((e: unknown) => refuse(e, path, res));
      } catch (e) {
        refuse(e, path, res);
      }
    });
  };
}
