// Health at a glance, for the settings page's list and for anyone watching a webhook over the
// API: the last delivery that was tried, the failure streak, and how the last 24 hours went.
// Read-only, and cheap by construction: both queries walk deliveries_webhook_log_idx
// (webhook_id, created_at desc, id desc) from the newest row and stop early (store/deliveries).
import type { Queryable } from '../../store/database.js';
import type { Webhook } from '../../store/webhooks.js';
import { lastAttemptedDelivery, recentStatusCounts } from '../../store/deliveries/index.js';

/** The window the success rate covers. */
export const HEALTH_WINDOW_HOURS = 24;

/**
 * At most this many of the newest deliveries of the window are counted. A busy webhook makes
 * hundreds of thousands a day; counting them all on every page load would cost a scan of that
 * size. The newest thousand say as much about its health at a glance, and `capped` says when
 * the rate covers fewer deliveries than the window held.
 */
export const HEALTH_SAMPLE_LIMIT = 1000;

export interface WebhookHealth {
  webhookId: string;
  enabled: boolean;
  /** Consecutive failed deliveries (Send Test does not count); reset by a success. */
  failureStreak: number;
  disabledReason: string | null;
  disabledAt: string | null;
  /** The newest delivery with at least one attempt, Send Test included (flagged `test`). */
  lastDelivery: {
    id: string;
    eventType: string;
    status: string;
    test: boolean;
    attempts: number;
    statusCode: number | null;
    error: string | null;
    attemptedAt: string | null;
  } | null;
  /** Deliveries created in the window, Send Test excluded; the rate counts finished ones only. */
  last24h: {
    succeeded: number;
    failed: number;
    pending: number;
    total: number;
    /** succeeded / (succeeded + failed), 0..1; null when nothing finished in the window. */
    successRate: number | null;
    capped: boolean;
  };
}

async function lastDelivery(db: Queryable, webhookId: string) {
  const r = await lastAttemptedDelivery(db, webhookId);
  if (!r) return null;
  return {
    id: r.id,
    eventType: r.event_type,
    status: r.status,
    test: r.is_test,
    attempts: r.attempts,
    statusCode: r.last_status_code,
    error: r.last_error,
    attemptedAt: r.last_attempt_at?.toISOString() ?? null,
  };
}

async function window24h(db: Queryable, webhookId: string) {
  const { succeeded, failed, pending, total } = await recentStatusCounts(db, webhookId, HEALTH_WINDOW_HOURS, HEALTH_SAMPLE_LIMIT);
  const finished = succeeded + failed;
  return {
    succeeded,
    failed,
    pending,
    total,
    successRate: finished ? Math.round((succeeded / finished) * 10_000) / 10_000 : null,
    capped: total >= HEALTH_SAMPLE_LIMIT,
  };
}

export async function webhookHealth(db: Queryable, w: Webhook): Promise<WebhookHealth> {
  return {
    webhookId: w.id,
    enabled: w.enabled,
    failureStreak: w.failureStreak,
    disabledReason: w.disabledReason,
    disabledAt: w.disabledAt?.toISOString() ?? null,
    lastDelivery: await lastDelivery(db, w.id),
    last24h: await window24h(db, w.id),
  };
}
