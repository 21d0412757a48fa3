// The request log as the API shows it: deliveries newest first with cursor pagination, and one
// delivery with every attempt (the statements: store/deliveries, store/attempts).
import { withSnapshot, type Database, type Queryable } from '../../store/database.js';
import { ApiError, invalid } from '../../core/errors.js';
import { decodeCursor, encodeCursor } from '../../store/cursor.js';
import { DELIVERY_STATUSES, getDelivery, listDeliveryRows, type LoggedDelivery } from '../../store/deliveries/index.js';
import { getAttempts } from '../../store/attempts.js';

export function deliveryView(r: LoggedDelivery) {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    eventId: r.external_id,
    eventType: r.event_type,
    status: r.status,
    test: r.is_test,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    lastDurationMs: r.last_duration_ms,
    lastAttemptAt: r.last_attempt_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    completedAt: r.completed_at?.toISOString() ?? null,
  };
}

export function parseLimit(raw: unknown, max = 250): number {
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalid('limit', `must be a whole number from 1 to ${max}`);
  return n;
}

export async function listDeliveries(db: Queryable, webhookId: string, q: { status?: string; limit: number; cursor?: string; eventId?: string }) {
  if (q.status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(q.status)) {
    throw invalid('status', `must be one of ${DELIVERY_STATUSES.join(', ')}`);
  }
  const c = q.cursor ? decodeCursor(q.cursor) : undefined;
  const rows = await listDeliveryRows(db, webhookId, q.status ?? null, c, q.limit + 1);
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { data: page.map(deliveryView), nextCursor: more && last ? encodeCursor(last.cursor_at, last.id) : null };
}

/** A delivery and its attempts as of one moment: never attempt k beside attempt k-1's schedule. */
export async function getDeliveryWithAttempts(db: Database, workspaceId: string, id: string) {
  const { row, attempts } = await withSnapshot(db, async (c) => {
    const row = await getDelivery(c, workspaceId, id);
    return { row, attempts: row ? await getAttempts(c, id) : [] };
  });
  if (!row) throw new ApiError('not_found', 'delivery not found');
  return { ...deliveryView(row), event: JSON.parse(row.payload), attempts };
}
