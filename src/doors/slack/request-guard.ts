// POST /slack/events is open to anyone: before Bolt sees a request it must be Slack's, recent,
// not from the future, and new. Numbered rules, cheapest first; a request is written to the
// database only after its signature matched, so unsigned junk costs no row. Bolt's receiver
// verifies the signature again over the same bytes (kept on, so a Slack route mounted without
// this guard is still checked).
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { verifySlackRequest } from '@slack/bolt';
import type { Queryable } from '../../store/database.js';
import { insertSeenRequest } from '../../store/slack-seen-requests.js';
import { ApiError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';

// https://api.slack.com/authentication/verifying-requests-from-slack : "If the timestamp is
// more than five minutes from local time, it could be a replay attack". Bolt refuses older ones.
export const SLACK_WINDOW_S = 5 * 60;

// Slack stamps a request as it sends it, so a timestamp ahead of this host's clock is clock
// drift only (NTP keeps both within a second). 60 s lets a host whose clock drifted a little
// work; more would stretch a captured request's life past Slack's 5 minutes. The same margin
// keeps a seen request past its window, for api processes whose clocks are that far behind.
export const SLACK_FUTURE_SKEW_S = 60;

// The largest request the app gets is a button click carrying its alert message: a few KB.
// A Slack message is at most 50 blocks of 3,000 characters, under 1 MiB even form-encoded.
const BODY_LIMIT = 1024 * 1024;

const TIMESTAMP = /^\d{1,12}$/;

// The JSON requests the app answers: Slack's URL check when the request URL is saved. An Events
// API listener (app.event) would add 'event_callback' here, and the manifest's event subscriptions.
const JSON_TYPES = ['url_verification'];

/** Why a signed JSON body is not one the app answers, or undefined (form bodies pass: Bolt parses them). */
function jsonShape(req: Request, body: Buffer): ApiError | undefined {
  if (req.get('content-type') === 'application/x-www-form-urlencoded') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return new ApiError('validation_error', 'not a Slack request body: neither form-encoded nor JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return new ApiError('validation_error', 'not a Slack request body: JSON that is not an object');
  }
  const type = (parsed as { type?: unknown }).type;
  if (typeof type !== 'string' || !JSON_TYPES.includes(type)) {
    return new ApiError('not_found', `this Slack app answers no JSON request of type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : '(none)'}`);
  }
  return undefined;
}

const refuse = (message: string) => new ApiError('unauthorized', message);

/**
 * Records a verified request's signature; true only for the first request that carries it. It
 * is kept past the window by the clock margin, for api processes whose clocks are that far behind.
 */
function firstSeen(db: Queryable, signature: string, timestampS: number, nowS: number): Promise<boolean> {
  return insertSeenRequest(db, signature, timestampS + SLACK_WINDOW_S + SLACK_FUTURE_SKEW_S, nowS);
}

export interface GuardOptions {
  signingSecret: string;
  db: Queryable;
  log: Logger;
  /** Milliseconds since 1970; tests may move it. */
  now?: () => number;
}

/** The raw body reader and the checks, to mount on the Slack route before Bolt's receiver. */
export function slackRequestGuard(opts: GuardOptions): RequestHandler[] {
  const now = opts.now ?? Date.now;
  const raw = express.raw({ type: () => true, limit: BODY_LIMIT, inflate: false });
  const check = async (req: Request, _res: Response, next: NextFunction) => {
    const refused = (message: string) => {
      opts.log.warn({ component: 'slack', reason: message }, 'slack request refused');
      next(refuse(message));
    };
    const signature = req.get('x-slack-signature');
    const stamp = req.get('x-slack-request-timestamp');
    // Rule 1: both headers, the timestamp in whole seconds (what Slack signs, as it was sent).
    if (!signature || stamp === undefined) return refused('not a signed Slack request: X-Slack-Signature and X-Slack-Request-Timestamp are required');
    if (!TIMESTAMP.test(stamp)) return refused('X-Slack-Request-Timestamp must be whole seconds since 1970');
    const ts = Number(stamp);
    const nowMs = now();
    const nowS = Math.floor(nowMs / 1000);
    // Rule 2: not from the future, beyond clock drift.
    if (ts > nowS + SLACK_FUTURE_SKEW_S) return refused(`the request timestamp is more than ${SLACK_FUTURE_SKEW_S} s in the future; check this host's clock`);
    // Rule 3: not older than the window.
    if (ts < nowS - SLACK_WINDOW_S) return refused(`the request timestamp is more than ${SLACK_WINDOW_S / 60} minutes old`);
    // Rule 4: Slack's signature over the bytes as they came (Bolt's constant-time check).
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      verifySlackRequest({
        signingSecret: opts.signingSecret,
        body: body.toString('utf8'),
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
        nowMilliseconds: nowMs,
      });
    } catch {
      return refused('the Slack signature does not match the body and timestamp');
    }
    // Rule 5: a body the app answers. Bolt reads every body that is not form-encoded as JSON and
    // waits 3 s for a listener to ack before it answers 404; the app has no Events API listener,
    // so a JSON body is Slack's url_verification (answered by Bolt's receiver) or nothing it runs.
    const shape = jsonShape(req, body);
    if (shape) {
      opts.log.warn({ component: 'slack', reason: shape.message }, 'slack request refused');
      return next(shape);
    }
    // Rule 6: the first time this signature is seen, by any process on this database.
    try {
      if (!(await firstSeen(opts.db, signature, ts, nowS))) {
        return refused('this Slack request was already received (same signature and timestamp); a replay is not run again');
      }
    } catch (err) {
      return next(err);
    }
    // Bolt's receiver reads `rawBody` when it is there instead of reading the stream again.
    (req as Request & { rawBody?: Buffer }).rawBody = body;
    next();
  };
  return [raw, check];
}
