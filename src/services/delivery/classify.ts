// The one place that decides what an answer means: done, try again, give up, or disable the
// webhook. Transformers may claim a response first (Slack's ok:false, Discord's retry_after);
// everything else falls to this table.
import type { Transformer, Verdict } from '../transformers/types.js';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../transformers/shared/classify.js';

export type SendResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string; durationMs: number; bodyTruncated?: boolean }
  | { kind: 'error'; reason: 'timeout' | 'network' | 'blocked_address' | 'render_error'; message: string; durationMs: number };

// One reading of Retry-After for every target and this table: within [0, 1 h], and a value that
// says nothing usable (negative, past, not a number or a date) means the normal backoff.
export { MAX_RETRY_AFTER_MS, parseRetryAfter };

const STATUS_RULES: Array<[test: (s: number) => boolean, verdict: (s: number, r: SendResult & { kind: 'response' }) => Verdict]> = [
  // Any 2xx within the timeout is a success.
  [(s) => s >= 200 && s < 300, () => ({ outcome: 'success' })],
  // 410 Gone: the receiver says this endpoint will never come back.
  [(s) => s === 410, () => ({ outcome: 'disable', reason: 'endpoint answered 410 Gone' })],
  // 429 and 503 may say when to come back.
  [(s) => s === 429 || s === 503, (s, r) => ({ outcome: 'retry', reason: `HTTP ${s}`, retryAfterMs: parseRetryAfter(r.headers['retry-after']) })],
  // Redirects are not followed: the subscriber must register the final URL.
  [(s) => s >= 300 && s < 400, (s, r) => ({ outcome: 'retry', reason: `HTTP ${s} redirect not followed${r.headers.location ? ' (register the final URL)' : ''}` })],
  // 408, other 4xx and 5xx: the receiver may be mid-deploy or misconfigured for a while; retry on the schedule.
  [() => true, (s) => ({ outcome: 'retry', reason: `HTTP ${s}` })],
];

export function classify(result: SendResult, transformer?: Pick<Transformer, 'classify'>): Verdict {
  if (result.kind === 'error') {
    // A blocked address or a render error will be the same next time: not retried.
    if (result.reason === 'blocked_address' || result.reason === 'render_error') return { outcome: 'refuse', reason: `${result.reason}: ${result.message}` };
    return { outcome: 'retry', reason: `${result.reason}: ${result.message}` };
  }
  const claimed = transformer?.classify?.({ status: result.status, headers: result.headers, body: result.body });
  if (claimed) return claimed;
  const rule = STATUS_RULES.find(([test]) => test(result.status))!;
  return rule[1](result.status, result);
}

/** Delay before attempt n+1 after attempt n failed: the schedule (last entry repeated), ±20 % jitter. */
export function retryDelay(schedule: number[], failedAttempt: number, random = Math.random): number {
  const base = schedule[Math.min(failedAttempt - 1, schedule.length - 1)] ?? 60_000;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * The wait before the next attempt: the receiver's Retry-After when it gave a usable one, kept
 * within [0, 1 h] whoever computed it (a transformer's classify may read its own body field),
 * else the schedule.
 */
export function nextDelay(verdict: Verdict, schedule: number[], failedAttempt: number, random = Math.random): number {
  const asked = verdict.outcome === 'retry' ? verdict.retryAfterMs : undefined;
  if (asked !== undefined && Number.isFinite(asked) && asked >= 0) return Math.min(asked, MAX_RETRY_AFTER_MS);
  return retryDelay(schedule, failedAttempt, random);
}
