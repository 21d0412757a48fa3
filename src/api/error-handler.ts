// Every error leaves as JSON `{ error: { code, message, field? } }`; unknown errors are logged
// and answered 500 without detail.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../util/log.js';
import { ApiError } from '../errors.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let api: ApiError;
    const e = err as BodyParserError;
    if (err instanceof ApiError) api = err;
    else if (e?.type === 'entity.too.large') api = new ApiError('payload_too_large', 'request body is larger than 1 MiB');
    else if (e?.type === 'entity.parse.failed') api = new ApiError('invalid_json', 'request body is not valid JSON');
    else if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') api = new ApiError('unsupported_media_type', e.message);
    else if (e?.status && e.status >= 400 && e.status < 500) api = new ApiError('invalid_json', e.message);
    else {
      log.error({ err, method: req.method, path: req.path }, 'request failed');
      api = new ApiError('internal_error', 'internal error');
    }
    res.status(api.status).json(api.toJSON());
  };
}
