// Every error leaves as JSON `{ error: { code, message, field? } }`; unknown errors are logged
// and answered 500 without detail.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../core/log.js';
import { ApiError } from '../../core/errors.js';
import { isDatabaseUnavailable } from '../../core/unavailable.js';
import { JSON_LIMIT, tooLarge } from './body-limits.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  code?: string;
  /** entity.too.large: the limit of the parser that refused the body. */
  limit?: number;
}

// The database cannot be reached, is restarting, or did not answer in time (a stall, a lock held
// elsewhere): src/db/unavailable.ts says which errors those are. Answered 503 with Retry-After.
function databaseUnavailable(e: BodyParserError | undefined): boolean {
  return !!e && !(e instanceof ApiError) && isDatabaseUnavailable(e);
}

/** The API error an error is answered with (and a Retry-After, when trying again later helps). */
export function apiErrorOf(err: unknown, log: Logger, req: { method: string; path: string }): { api: ApiError; retryAfter?: string } {
  const e = err as BodyParserError;
  // Ingest is behind the database (FORJINN_MAX_PENDING_EVENTS): worth trying again in a second.
  if (err instanceof ApiError) return { api: err, retryAfter: err.code === 'overloaded' ? '1' : undefined };
  // A body sent chunked (no length to check first) is cut where it passes the route's limit.
  if (e?.type === 'entity.too.large') return { api: tooLarge(e.limit ?? JSON_LIMIT) };
  if (e?.type === 'entity.parse.failed') return { api: new ApiError('invalid_json', 'request body is not valid JSON') };
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return { api: new ApiError('unsupported_media_type', e.message) };
  if (e?.status && e.status >= 400 && e.status < 500) return { api: new ApiError('invalid_json', e.message) };
  // 22021/22P05: a NUL (U+0000) reached PostgreSQL, which cannot store it (parseInput refuses
  // it in bodies with the field's name; this covers path and query values).
  if (e?.code === '22021' || e?.code === '22P05') return { api: new ApiError('validation_error', 'a value contains a NUL (\\u0000) character, which cannot be stored') };
  if (databaseUnavailable(e)) {
    log.warn({ code: e.code, reason: e.message, method: req.method, path: req.path }, 'database unavailable');
    const api = new ApiError('database_unavailable', 'the database is unavailable; try again shortly (an event sent again with the same id is stored once)');
    return { api, retryAfter: '5' };
  }
  log.error({ err, method: req.method, path: req.path }, 'request failed');
  return { api: new ApiError('internal_error', 'internal error') };
}

export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { api, retryAfter } = apiErrorOf(err, log, req);
    if (retryAfter) res.set('retry-after', retryAfter);
    res.status(api.status).json(api.toJSON());
  };
}
