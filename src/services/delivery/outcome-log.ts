// One info line per attempt outcome, once it is stored: delivered, retry in N, failed, or failed
// with the webhook disabled. Ids, the status and the reason only: never a URL (Slack and Discord
// put their token in the path), a header value, a body or a secret; the reason goes through
// safeDetail, which cuts URLs and token-shaped runs out of vendor and network texts.
import type { Logger } from '../../core/log.js';
import type { AttemptRecord } from './attempt.js';
import type { DisabledWebhook } from './results.js';
import { safeDetail } from './retry-policy.js';

/** 50ms, 2s, 1m 4s, 2h 5m: the wait as a person reads it. */
export function shownWait(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  return m % 60 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${Math.floor(m / 60)}h`;
}

export function logOutcomes(log: Logger, records: AttemptRecord[], disabled: DisabledWebhook[]): void {
  if (!log.isLevelEnabled('info')) return;
  const disabledWhy = disabled.length ? new Map(disabled.map((d) => [d.webhookId, d.reason])) : undefined;
  for (const r of records) {
    const line: Record<string, unknown> = {
      webhookId: r.webhookId,
      eventId: r.eventId,
      deliveryId: r.deliveryId,
      status: r.response?.status ?? null,
      attempt: `${r.attempt}/${r.attemptLimit}`,
      durationMs: r.durationMs,
    };
    if (r.trigger !== 'auto') line.trigger = r.trigger;
    if (r.verdict.outcome === 'success') {
      log.info(line, 'delivered');
      continue;
    }
    line.reason = safeDetail(r.verdict.reason);
    if (r.status === 'pending') {
      const wait = (r.nextAttemptAt?.getTime() ?? r.at.getTime()) - r.at.getTime();
      line.retryInMs = wait;
      log.info(line, `delivery attempt failed, retry in ${shownWait(wait)}`);
      continue;
    }
    const disabledReason = disabledWhy?.get(r.webhookId);
    if (disabledReason === undefined) {
      log.info(line, 'delivery failed');
    } else {
      line.disabledReason = safeDetail(disabledReason);
      log.info(line, 'delivery failed, webhook disabled');
    }
  }
}
