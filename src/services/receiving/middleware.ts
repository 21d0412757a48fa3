// Express middleware for receivers: reads the raw body, verifies it, sets req.body to the event.
// Answers 400 on a bad signature so the sender logs why (and retries, in case of a rotation).
import express, { type NextFunction, type Request, type Response } from 'express';
import { verifyWebhook, WebhookVerificationError, type VerifyOptions } from './verify.js';

export function forjinnWebhook(secret: string | (() => string), opts: VerifyOptions & { limit?: string } = {}) {
  const raw = express.raw({ type: () => true, limit: opts.limit ?? '2mb' });
  return (req: Request, res: Response, next: NextFunction) => {
    raw(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        req.body = verifyWebhook(body, req.headers, typeof secret === 'function' ? secret() : secret, opts);
        next();
      } catch (e) {
        if (e instanceof WebhookVerificationError || e instanceof SyntaxError) {
          res.status(400).json({ error: e.message });
          return;
        }
        next(e);
      }
    });
  };
}
