// Reading a plain JSON review body straight off Node's request: what body-parser (express.json, strict)
// does for a request with a Content-Length within the limit, no content encoding and no charset, with
// the same errors (status, type and message), without its stream and decoding machinery per request.
import { errorMessage } from '../../shared/util/error-message.ts';

/** What body-parser and raw-body attach to the errors they raise. */
export interface BodyError extends Error {
  status?: number;
  type?: string;
  length?: number;
  limit?: number;
}

interface PlainRequest extends NodeJS.ReadableStream {
  headers: Record<string, string | string[] | undefined>;
  complete: boolean;
}

const DIGITS = /^\d+$/;

/**
 * Whether body-parser would read the request's body as UTF-8 without decompressing it and within `limit`
 * bytes: then readPlainBody answers exactly as it would.
 */
export function isPlainReview(req: { headers: PlainRequest['headers'] }, limit: number): boolean {
  const { headers } = req;
  const length = headers['content-length'];
  if (typeof length !== 'string' || !DIGITS.test(length) || Number(length) > limit) return false;
  if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return false;
  const type = headers['content-type'];
  return type === undefined || (typeof type === 'string' && !/charset/i.test(type));
}

function bodyError(message: string, status: number, type: string): BodyError {
  return Object.assign(new Error(message) as BodyError, { status, type });
}

const FIRST_NON_WHITESPACE = /^[ \t\n\r]*([^ \t\n\r])/;
const JSON_SYNTAX_CHAR = '#';
const JSON_SYNTAX_RUN = /#+/g;

/** body-parser's error for a strict body that is not an object or array: V8's message at that character. */
function strictViolation(text: string, first: string | undefined): BodyError {
  const index = first === undefined ? -1 : text.indexOf(first);
  const partial = index === -1 ? '' : text.slice(0, index) + JSON_SYNTAX_CHAR.repeat(text.length - index);
  let message = 'strict violation';
  try {
    JSON.parse(partial);
  } catch (e) {
    message = errorMessage(e).replace(JSON_SYNTAX_RUN, (run) => text.slice(index, index + run.length));
  }
  return bodyError(message, 400, 'entity.parse.failed');
}

/** Parses a body as body-parser's strict JSON parser does, throwing its errors. */
export function parseStrictJSON(bytes: Buffer): unknown {
  let text = bytes.toString('utf8');
  // body-parser decodes with iconv-lite, which drops a byte order mark.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) return {};
  if (text[0] !== '{' && text[0] !== '[') {
    const first = FIRST_NON_WHITESPACE.exec(text)?.[1];
    if (first !== '{' && first !== '[') throw strictViolation(text, first);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw bodyError(errorMessage(e), 400, 'entity.parse.failed');
  }
}

/** Reads the whole body (isPlainReview must hold), then calls back once with its JSON or the error. */
export function readPlainBody(
  req: PlainRequest,
  done: (err: BodyError | undefined, body?: unknown) => void,
): void {
  const expected = Number(req.headers['content-length']);
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const settle = (err: BodyError | undefined, body?: unknown) => {
    if (settled) return;
    settled = true;
    done(err, body);
  };
  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    if (received !== expected) {
      settle(bodyError('request size did not match content length', 400, 'request.size.invalid'));
      return;
    }
    let body: unknown;
    try {
      body = parseStrictJSON(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    } catch (err) {
      settle(err as BodyError);
      return;
    }
    settle(undefined, body);
  });
  const aborted = () => settle(bodyError('request aborted', 400, 'request.aborted'));
  req.on('aborted', aborted);
  req.on('error', aborted);
  req.on('close', () => {
    if (!req.complete) aborted();
  });
}
