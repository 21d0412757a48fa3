// The one place that decides what an answer means: done, try again, give up on this delivery,
// or disable the webhook. One shared table of statuses; each transformer adds its target's rules
// as data (Transformer.answers: its statuses, and what its body says). Retry-After is read here,
// once, for every target. The outcome is decided by the status line: a body that could not be
// read whole changes nothing (http.ts keeps the status and notes the body).
import type { AnswerRules, Outcome, StatusKey, TargetResponse, Verdict } from '../transformers/types.js';
import type { SendResult } from './http.js';
import { answerHeader } from '../transformers/shared/answer-body.js';

/** A rate limit must not park a webhook for days: a later Retry-After waits this long. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** Reason texts stay short: they are stored on every attempt and shown in lists. */
const MAX_DETAIL_CHARS = 160;

/**
 * What every target's answers mean unless its rules say otherwise (docs/delivery.md, "Retries";
 * docs/transformers.md, "Answers").
 */
const SHARED: Readonly<Partial<Record<StatusKey, Outcome>>> = {
  // Informational: not an answer about this request yet.
  '1xx': 'retry',
  '2xx': 'success',
  // Redirects are not followed (the subscriber must register the final URL): the same request
  // gets the same redirect.
  '3xx': 'refuse',
  // 408/425: the request was not processed; 429: the target asks us to come back.
  408: 'retry',
  425: 'retry',
  429: 'retry',
  // Gone means gone: the endpoint will never come back.
  410: 'disable',
  // Other 4xx: the same request would fail the same way.
  '4xx': 'refuse',
  '5xx': 'retry',
};

/** A status no class covers (a 6xx, a 0) is no answer: tried again. */
const UNKNOWN_STATUS: Outcome = 'retry';

const MEANING: Record<Outcome, string> = {
  success: '',
  // Whether another attempt comes is the attempt's status (pending or failed), not the reason's.
  retry: '',
  refuse: ': the message was refused; not retrying',
  disable: ': the webhook no longer works; disabling it',
};

/** A header by name, whatever its case (the one reading, shared with the targets' answer rules). */
export const header = answerHeader;

/**
 * Retry-After as delay-seconds (integer or, from Discord and Slack, fractional) or an HTTP date,
 * in ms within [0, MAX_RETRY_AFTER_MS]. Undefined, so the normal backoff applies, for a value
 * that says nothing usable: empty, negative (`-5` used to mean "now" and spent every attempt at
 * once), neither a number nor a date, or a date already past. The one reading for every target.
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

/** The target's rule for a status, then the shared table's: exact status first, then its class. */
function statusOutcome(status: number, rules: AnswerRules): Outcome {
  const klass = status >= 100 && status < 600 ? (`${Math.floor(status / 100)}xx` as StatusKey) : undefined;
  const byClass = klass === undefined ? undefined : (rules.status[klass] ?? SHARED[klass]);
  return rules.status[status] ?? SHARED[status] ?? byClass ?? UNKNOWN_STATUS;
}

/** What the status itself adds to a reason. */
function statusNote(response: TargetResponse): string {
  if (response.status === 410) return ' Gone';
  if (response.status >= 300 && response.status < 400) {
    return ` redirect not followed${header(response, 'location') ? ' (register the final URL)' : ''}`;
  }
  return '';
}

/** What a target's answer means, by the shared table and the target's rules. */
export function decide(response: TargetResponse, rules: AnswerRules): Verdict {
  const read = rules.body?.(response);
  const outcome = read?.outcome ?? statusOutcome(response.status, rules);
  if (outcome === 'success') return { outcome };
  const detail = read?.detail ? safeDetail(read.detail) : '';
  const reason = `HTTP ${response.status}${statusNote(response)}${rules.vendor ? ` from ${rules.vendor}` : ''}${detail ? ` (${detail})` : ''}${MEANING[outcome]}`;
  if (outcome !== 'retry') return { outcome, reason };
  if (rules.retryAfterOn && !rules.retryAfterOn.includes(response.status)) return { outcome, reason };
  const fromBody = read?.retryAfterSeconds !== undefined ? parseRetryAfter(String(read.retryAfterSeconds)) : undefined;
  const retryAfterMs = fromBody ?? parseRetryAfter(header(response, 'retry-after'));
  return retryAfterMs === undefined ? { outcome, reason } : { outcome, reason, retryAfterMs };
}

/** What an attempt's result means: an answer by `decide`; no answer by what went wrong. */
export function classify(result: SendResult, rules: AnswerRules): Verdict {
  if (result.kind === 'error') {
    // A blocked address or a render error will be the same next time: not retried.
    if (result.reason === 'blocked_address' || result.reason === 'render_error') return { outcome: 'refuse', reason: `${result.reason}: ${result.message}` };
    return { outcome: 'retry', reason: `${result.reason}: ${result.message}` };
  }
  return decide({ status: result.status, headers: result.headers, body: result.body }, rules);
}

/** Delay before attempt n+1 after attempt n failed: the schedule (last entry repeated), ±20 % jitter. */
export function retryDelay(schedule: number[], failedAttempt: number, random = Math.random): number {
  const base = schedule[Math.min(failedAttempt - 1, schedule.length - 1)] ?? 60_000;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * The wait before the next attempt: the receiver's Retry-After when it gave a usable one, kept
 * within [0, 1 h], else the schedule.
 */
export function nextDelay(verdict: Verdict, schedule: number[], failedAttempt: number, random = Math.random): number {
  const asked = verdict.outcome === 'retry' ? verdict.retryAfterMs : undefined;
  if (asked !== undefined && Number.isFinite(asked) && asked >= 0) return Math.min(asked, MAX_RETRY_AFTER_MS);
  return retryDelay(schedule, failedAttempt, random);
}
