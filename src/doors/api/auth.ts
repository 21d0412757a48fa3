// Bearer API keys. Missing or wrong: 401 with a JSON error; the workspace of the key is the
// only one a request can see.
import type { NextFunction, Request, Response } from 'express';
import { authenticate } from '../../services/auth/api-keys.js';
import type { Workspace } from '../../store/workspaces.js';
import type { AppContext } from '../../core/context.js';
import { ApiError } from '../../core/errors.js';

declare module 'express-serve-static-core' {
  interface Request {
    workspace?: Workspace;
  }
}

/** The workspace of an Authorization header's key; 401 when it is missing, wrong or revoked. */
export async function workspaceOfKey(ctx: AppContext, header: string | undefined): Promise<Workspace> {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) throw new ApiError('unauthorized', 'missing API key: send Authorization: Bearer <key>');
  const workspace = await authenticate(ctx.db.pool, m[1]);
  if (!workspace) throw new ApiError('unauthorized', 'invalid or revoked API key');
  return workspace;
}

export function requireApiKey(ctx: AppContext) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    req.workspace = await workspaceOfKey(ctx, req.get('authorization'));
    next();
  };
}

export function workspaceOf(req: Request): Workspace {
  if (!req.workspace) throw new ApiError('unauthorized', 'missing API key');
  return req.workspace;
}
