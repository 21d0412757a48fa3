// The one place that decides what an answer means: done, try again, give up, or disable the
// webhook. Transformers may claim a response first (Slack's ok:false, Discord's retry_after);
// everything else falls to this table.
import type { Transformer, Verdict } from '../../transformers/types.js';

export type SendResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string; durationMs: number; bodyTruncated?: boolean }
  | { kind: 'error'; reason: 'timeout' | 'network' | 'blocked_address' | 'render_error'; message: string; durationMs: number };

/** Retry-After is honoured but never beyond an hour: a hostile or buggy receiver must not park deliveries for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

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
