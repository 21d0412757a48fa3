// What a /v1 request body may be, checked in the order that costs least, so that a request
// refused is refused before its body costs anything: the API key first (auth.ts: no key, no
// byte read), then the type and the declared length (headers only), then the bytes as they
// arrive (cut at the limit), then the depth of the parsed JSON. The express app and the fast
// ingest path both use these, so they answer alike.
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../../core/errors.js';
import { checkJsonDepth } from '../../core/validate.js';

/** One event, one webhook, one preview: far above any real one; a larger body answers 413 (docs/api.md). */
export const JSON_LIMIT = 1024 * 1024;
/** A batch holds up to 500 events (MAX_BATCH_EVENTS), so it gets more room than one event's 1 MiB. */
export const BATCH_LIMIT = 16 * 1024 * 1024;
export const BATCH_PATH = '/v1/events/batch';

export function bodyLimitOf(path: string): number {
  return path === BATCH_PATH ? BATCH_LIMIT : JSON_LIMIT;
}

const mib = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`);
export const tooLarge = (limit: number) => new ApiError('payload_too_large', `request body is larger than ${mib(limit)}, the limit of this route`);

/** application/json (any parameters, e.g. charset=utf-8) and the application/*+json family. */
export function isJsonType(header: string | undefined): boolean {
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(type);
}

/** Whether a request carries a body at all (as Node frames it): chunked, or a length above 0. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The checks made on headers alone. A mutating request with a body that is not JSON was read as
 * no body (rotate-secret as text/plain rotated with the defaults): 415. One with no body at all
 * keeps the route's defaults (rotate-secret, redeliver, test). A declared length over the
 * route's limit is refused before one byte is read (the JSON parser would read it all first).
 */
export function checkBodyHeaders(req: IncomingMessage, path: string): void {
  if (!hasBody(req)) return;
  if (MUTATING.has(req.method ?? '') && !isJsonType(req.headers['content-type'])) {
    throw new ApiError('unsupported_media_type', 'the request body must be JSON: send it with Content-Type: application/json');
  }
  const limit = bodyLimitOf(path);
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge(limit);
}

/** Express: after the key check, before the JSON parser. */
export function bodyHeaders(req: Request, _res: Response, next: NextFunction) {
  checkBodyHeaders(req, req.path);
  next();
}

/**
 * Express: after the JSON parser. A batch is checked event by event instead (batch.ts), so that
 * one deep event is refused alone and the others are accepted.
 */
export function bodyDepth(req: Request, _res: Response, next: NextFunction) {
  if (req.path !== BATCH_PATH) checkJsonDepth(req.body);
  next();
}
