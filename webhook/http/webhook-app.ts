// The HTTP side of the webhook: one path per kind and role plus /convert. Every request gets an answer —
// a review (allowed, denied, or failed with a reason) or a 4xx/5xx with a metav1.Status body — and no
// request, however malformed, can take the process down.
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { APIKind } from '../../shared/api/kinds.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import { errorMessage } from '../../shared/util/error-message.ts';
import type { AdmissionRequest, AdmissionResponse } from '../admission/admission-review.ts';
import { admissionReview, badRequestResponse, parseAdmissionReview } from '../admission/admission-review.ts';
import { AdmissionTargetError } from '../admission/admission-target.ts';
import { mutateAdmission } from '../admission/mutate-admission.ts';
import { validateAdmission } from '../admission/validate-admission.ts';
import { conversionReview, parseConversionReview } from '../conversion/conversion-review.ts';
import { convertObjects } from '../conversion/convert-objects.ts';
import type { WebhookDomain } from '../domain/webhook-domain.ts';
import type { WebhookMetrics } from '../metrics/webhook-metrics.ts';
import type { ReferenceChecker } from '../references/reference-checker.ts';
import { BadRequestError } from './bad-request-error.ts';
import { failureStatus } from './kube-status.ts';

export interface WebhookAppOptions {
  kinds: readonly APIKind[];
  domain: WebhookDomain;
  references: ReferenceChecker;
  metrics: WebhookMetrics;
  logger: Logger;
  maxBodyBytes: number;
}

export const CONVERT_PATH = '/convert';
export const validatePath = (k: APIKind): string => `/validate/${k.plural}`;
export const mutatePath = (k: APIKind): string => `/mutate/${k.plural}`;

type AdmissionHandler = (req: AdmissionRequest) => Promise<AdmissionResponse> | AdmissionResponse;

interface BodyParserError extends Error {
  status?: number;
  type?: string;
  length?: number;
  limit?: number;
}

function bodyErrorMessage(err: BodyParserError): string {
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

// Express reads a missing body as {}; say what is actually wrong instead.
const requireBody: RequestHandler = (req, _res, next) => {
  const length = req.headers['content-length'];
  if (length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined)) {
    next(new BadRequestError('request body: Required value: must be a JSON review'));
    return;
  }
  next();
};

function instrument(metrics: WebhookMetrics, webhook: string): RequestHandler {
  return (_req, res, next) => {
    const done = metrics.requestStarted(webhook);
    res.on('finish', () => done(res.statusCode));
    // A client that goes away still leaves the in-flight gauge.
    res.on('close', () => done(res.writableFinished ? res.statusCode : 499));
    next();
  };
}

export function createWebhookApp(opts: WebhookAppOptions): express.Express {
  const { logger, metrics } = opts;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // The API server sends application/json; anything else is still read as JSON so the answer names the
  // real problem instead of an empty body.
  const json = express.json({ limit: opts.maxBodyBytes, type: () => true, strict: true });
  const paths: string[] = [];

  function admissionRoute(
    path: string,
    role: 'validate' | 'mutate',
    apiKind: APIKind,
    handle: AdmissionHandler,
  ) {
    paths.push(path);
    app.post(path, instrument(metrics, path), requireBody, json, async (req: Request, res: Response) => {
      const review = parseAdmissionReview(req.body);
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
      res.json(admissionReview(response));
    });
  }

  for (const apiKind of opts.kinds) {
    admissionRoute(validatePath(apiKind), 'validate', apiKind, (r) =>
      validateAdmission(r, apiKind, { domain: opts.domain, references: opts.references }),
    );
    admissionRoute(mutatePath(apiKind), 'mutate', apiKind, (r) =>
      mutateAdmission(r, apiKind, { domain: opts.domain }),
    );
  }

  paths.push(CONVERT_PATH);
  app.post(
    CONVERT_PATH,
    instrument(metrics, CONVERT_PATH),
    requireBody,
    json,
    (req: Request, res: Response) => {
      const review = parseConversionReview(req.body);
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
      res.json(conversionReview(response));
    },
  );

  app.all('/{*path}', (req: Request, res: Response) => {
    if (paths.includes(req.path)) {
      res
        .set('Allow', 'POST')
        .status(405)
        .json(failureStatus(405, `${req.method} ${req.path}: method not allowed; use POST`));
      return;
    }
    res.status(404).json(failureStatus(404, `${req.path}: not found; webhook paths are ${paths.join(', ')}`));
  });

  // Express 5 routes rejected promises here too.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as BodyParserError;
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
      logger.error('request failed', { path: req.path, error: errorMessage(err), stack: e.stack });
    }
    logger.info('request refused', { path: req.path, code, reason: message });
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(code).json(failureStatus(code, message));
  });

  return app;
}
