// Fake chat vendors that enforce their real rate rules, as responders for a receiver on 127.0.0.1
// (receiver.ts): a Slack incoming webhook (at /slack/…) that answers 429 with Retry-After to a
// message within a second of the one before it, Slack's chat.postMessage (at /slack-api/, for bot
// mode: SLACK_API_URL) doing the same per channel, logged as `slack-api <channel>`, and a Discord webhook with a bucket (5 per 2 s by default) that sends
// its X-RateLimit-* headers on every answer and 429 with a JSON retry_after once it is empty. Each
// keeps, per webhook path, what it answered and in what order (one log for all, so tests can assert
// the order events happened in across destinations, never their times).
import type { ServerResponse } from 'node:http';
import type { Received, Responder } from './receiver.js';
import { CONTRACTS } from './target-contract.js';

export interface Answered {
  path: string;
  status: number;
}

export interface RateLimitedVendor {
  responder: Responder;
  /** Every answer, in the order given. */
  log: Answered[];
  /** The answers given at one path. */
  at(path: string): Answered[];
  /** Sets how one webhook path behaves (before its first request). */
  configure(path: string, rules: PathRules): void;
}

export interface PathRules {
  /** Discord: the bucket's size and window (default 5 per 2,000 ms). */
  bucket?: { limit: number; windowMs: number };
  /**
   * The first request is refused as if someone else had used the destination up: 429 with this
   * wait (Slack: Retry-After header; Discord: the body's retry_after), and every request before it
   * has passed is refused too, as the vendor would.
   */
  busyFirst?: number;
}

interface PathState {
  rules: PathRules;
  /** Slack: the last message accepted. */
  lastAccepted?: number;
  /** Discord: the bucket. */
  remaining?: number;
  resetAt?: number;
  /** Refused until then (busyFirst). */
  busyUntil?: number;
  requests: number;
}

const pathOf = (req: Received) => req.path.split('?')[0];
const seconds = (ms: number) => Math.max(0, ms) / 1000;

export function rateLimitedVendors(): RateLimitedVendor {
  const log: Answered[] = [];
  const paths = new Map<string, PathState>();
  const state = (path: string) => {
    let s = paths.get(path);
    if (!s) paths.set(path, (s = { rules: {}, requests: 0 }));
    return s;
  };
  const answer = (path: string, res: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
    log.push({ path, status });
    res.writeHead(status, headers).end(body);
  };

  const slack = (path: string, s: PathState, now: number, res: ServerResponse, webApi?: Record<string, unknown>) => {
    // https://api.slack.com/apis/rate-limits : about one message a second per incoming webhook.
    const wait = Math.max(s.busyUntil ?? -Infinity, (s.lastAccepted ?? -Infinity) + 1_000) - now;
    if (wait > 0) return answer(path, res, 429, { 'content-type': 'text/plain', 'retry-after': String(Math.ceil(seconds(wait))) }, 'rate_limited');
    s.lastAccepted = now;
    if (webApi) return answer(path, res, 200, { 'content-type': 'application/json' }, JSON.stringify(webApi));
    const good = CONTRACTS.slack.goodAnswer;
    answer(path, res, good.status, { 'content-type': good.contentType ?? 'text/plain' }, good.body ?? '');
  };

  const discord = (path: string, s: PathState, now: number, res: ServerResponse) => {
    // https://discord.com/developers/docs/topics/rate-limits : a bucket per route, its state in
    // headers on every answer, 429 with retry_after (seconds, fractional) once it is empty.
    const { limit, windowMs } = s.rules.bucket ?? { limit: 5, windowMs: 2_000 };
    if (s.busyUntil !== undefined && now < s.busyUntil) {
      const after = seconds(s.busyUntil - now);
      return answer(path, res, 429, { 'content-type': 'application/json', 'retry-after': String(Math.ceil(after)), 'x-ratelimit-scope': 'shared' }, JSON.stringify({ message: 'You are being rate limited.', retry_after: after, global: false }));
    }
    if (s.resetAt === undefined || now >= s.resetAt) {
      s.remaining = limit;
      s.resetAt = now + windowMs;
    }
    const bucket = (remaining: number) => ({
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset-after': seconds(s.resetAt! - now).toFixed(3),
      'x-ratelimit-bucket': 'fake-webhook-bucket',
    });
    if (s.remaining === 0) {
      const after = seconds(s.resetAt - now);
      return answer(path, res, 429, { 'content-type': 'application/json', 'retry-after': String(Math.ceil(after)), ...bucket(0) }, JSON.stringify({ message: 'You are being rate limited.', retry_after: after, global: false }));
    }
    s.remaining! -= 1;
    const good = CONTRACTS.discord.goodAnswer;
    answer(path, res, good.status, { 'content-type': good.contentType ?? 'application/json', ...bucket(s.remaining!) }, good.body ?? '');
  };

  return {
    log,
    at: (path) => log.filter((a) => a.path === path),
    configure: (path, rules) => {
      state(path).rules = rules;
    },
    responder: (req, _n, res) => {
      const now = performance.now();
      let path = pathOf(req);
      // chat.postMessage: one message a second per channel (https://api.slack.com/methods/chat.postMessage, "Rate limits").
      if (path === '/slack-api/chat.postMessage') path = `slack-api ${String((JSON.parse(req.body) as { channel?: unknown }).channel)}`;
      const s = state(path);
      s.requests += 1;
      if (s.requests === 1 && s.rules.busyFirst !== undefined) s.busyUntil = now + s.rules.busyFirst * 1000;
      if (path.startsWith('slack-api ')) return slack(path, s, now, res, { ok: true, channel: path.slice('slack-api '.length), ts: `${Date.now() / 1000}` });
      const vendor = path.split('/')[1];
      if (vendor === 'slack') return slack(path, s, now, res);
      if (vendor === 'discord') return discord(path, s, now, res);
      res.writeHead(404).end();
    },
  };
}
