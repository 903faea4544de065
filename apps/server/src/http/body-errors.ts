import type { RequestHandler } from 'express';
import type { ApiError } from '@interview/protocol';

/** What the API answers for a request body it could not read: a status and a message the caller can act on. */
export interface BodyFailure {
  status: number;
  error: string;
}

/** Parser messages can quote the body back; a long one is cut so the answer stays short. */
const DETAIL_LENGTH = 160;

function field(error: object, name: string): unknown {
  return name in error ? (error as Record<string, unknown>)[name] : undefined;
}

function kib(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

/**
 * Translates an error thrown by express's JSON body parser (its `type`
 * field says which) into a JSON answer; null when the error did not come from
 * reading the body, so the caller treats it as a server fault. Express's own
 * answer would be an HTML page, which an API client cannot show.
 */
export function bodyFailure(error: unknown): BodyFailure | null {
  if (typeof error !== 'object' || error === null) return null;
  const type = field(error, 'type');
  switch (type) {
    case 'entity.parse.failed': {
      const message = field(error, 'message');
      const detail = typeof message === 'string' && message !== '' ? `: ${message.slice(0, DETAIL_LENGTH)}` : '';
      return { status: 400, error: `the request body is not valid JSON (it must be a JSON object)${detail}` };
    }
    case 'entity.too.large': {
      const limit = field(error, 'limit');
      const bound = typeof limit === 'number' ? ` of ${kib(limit)}` : '';
      return { status: 413, error: `the request body is too large: it exceeds this endpoint's limit${bound}` };
    }
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, error: 'the request body\'s charset or Content-Encoding is not supported: send UTF-8 JSON' };
    case 'request.aborted':
    case 'request.size.invalid':
      return { status: 400, error: 'the request body ended before its announced length' };
    default:
      return null;
  }
}

/** Whether a request announces a body (the test `type-is` and body-parser use). */
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Refuses a body that is not declared as JSON with 415. Without this, the
 * JSON parser skips such a body and the route sees none: a
 * `POST /api/rooms` sent as text/plain would create a room with defaults
 * instead of telling the caller its fields were ignored.
 */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  if (hasBody(req.headers) && !req.is('application/json')) {
    res.status(415).json({ error: 'send the request body as JSON with "Content-Type: application/json"' } satisfies ApiError);
    return;
  }
  next();
};
