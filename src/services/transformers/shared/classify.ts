// Reading a target's answer: status tables, Retry-After, and reason texts that are safe to store
// and show. A reason never carries a URL or anything token-shaped: vendors echo requests back.
import type { TargetResponse, Verdict } from '../types.js';

export type Outcome = Verdict['outcome'];

/** A rate limit must not park a webhook for days: a later Retry-After waits this long. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** Reason texts stay short: they are stored on every attempt and shown in lists. */
const MAX_DETAIL_CHARS = 160;

export function header(response: TargetResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(response.headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * Retry-After as delay-seconds (integer or, from Discord and Slack, fractional) or an HTTP date,
 * in ms within [0, MAX_RETRY_AFTER_MS]. Undefined, so the normal backoff applies, for a value
 * that says nothing usable: empty, negative (`-5` used to mean "now" and spent every attempt at
 * once), neither a number nor a date, or a date already past. The one rule for every target and
 * the engine's own table (src/delivery/classify.ts).
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  const v = value?.trim() ?? '';
  const within = (ms: number) => Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.ceil(ms)));
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v)) {
    const ms = Number(v) * 1000;
    return ms < 0 ? undefined : within(ms);
  }
  // An HTTP date, only with a month or day name in it: Date.parse also reads "-5" or "1 2" as dates.
  const at = /[a-z]{3}/i.test(v) ? Date.parse(v) : NaN;
  return Number.isFinite(at) && at > now ? within(at - now) : undefined;
}

/** The body as JSON, or undefined when it is not JSON. */
export function jsonBody(response: TargetResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch {
    return undefined;
  }
}

/**
 * Vendor text made safe for a reason: URLs (Slack and Discord put their token in the path),
 * `key=`/`token=`/`sig=` parameters, Slack tokens and long token-like runs are removed.
 */
export function safeDetail(text: string): string {
  const cleaned = text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')
    .replace(/\b(key|token|sig|signature|routing_key)=[^&\s"']+/gi, '$1=[redacted]')
    .replace(/\bxox[a-z]-[\w-]+/gi, '[redacted]')
    .replace(/\bBearer\s+\S+/gi, 'Bearer [redacted]')
    // Long runs with digits, or very long ones, are token-shaped; error codes such as
    // team_access_not_granted or TriggerInputSchemaMismatch are words and stay readable.
    .replace(/[A-Za-z0-9_\-+/=]{20,}/g, (run) => (/\d/.test(run) || run.length >= 32 ? '[redacted]' : run))
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(cleaned).slice(0, MAX_DETAIL_CHARS).join('');
}

/** What every chat target does with an answer its own table does not name. */
export function defaultOutcome(status: number): Outcome {
  if (status >= 200 && status < 300) return 'success';
  // 408/425: the request was not processed; 429 and 5xx: the target asks us to come back.
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  // Gone means gone: the receiver says it will never take one again, so a 410 disables the
  // webhook for every target (docs/delivery.md, "410 Gone").
  if (status === 410) return 'disable';
  // Other 4xx and 3xx (redirects are not followed): the same request would fail the same way.
  return 'refuse';
}

const MEANING: Record<Exclude<Outcome, 'success'>, string> = {
  retry: 'will retry',
  refuse: 'the message was refused; not retrying',
  disable: 'the webhook no longer works; disabling it',
};

export function verdict(
  vendor: string,
  response: TargetResponse,
  outcome: Outcome,
  detail?: string,
  retryAfterMs?: number,
): Verdict {
  if (outcome === 'success') return { outcome };
  const shown = detail ? safeDetail(detail) : '';
  const reason = `${vendor} answered ${response.status}${shown ? ` (${shown})` : ''}: ${MEANING[outcome]}`;
  if (outcome === 'retry') return retryAfterMs === undefined ? { outcome, reason } : { outcome, reason, retryAfterMs };
  return { outcome, reason };
}

/** A vendor's status table, falling back to defaultOutcome; retries obey Retry-After. */
export function classifyByStatus(
  vendor: string,
  response: TargetResponse,
  table: Readonly<Record<number, Outcome>>,
  detail?: string,
): Verdict {
  const outcome = table[response.status] ?? defaultOutcome(response.status);
  const retryAfterMs = outcome === 'retry' ? parseRetryAfter(header(response, 'retry-after')) : undefined;
  return verdict(vendor, response, outcome, detail, retryAfterMs);
}

/** A short error code from a text body (Slack incoming webhooks answer `channel_not_found`). */
export function bodyCode(body: string): string | undefined {
  const trimmed = body.trim();
  return /^[a-z][a-z0-9_]{1,60}$/.test(trimmed) ? trimmed : undefined;
}
