// Reads of the deliveries table: the request log (newest first, by cursor), one delivery, the
// deliveries of an event, a webhook's health, the newest delivery of each webhook and the queue's
// depth. Nothing here changes a row (status.ts does).
import type { Queryable } from '../database.js';
import { cursorAt } from '../cursor.js';
import type { EventRow } from '../events.js';
import { isUuid } from '../webhooks.js';
import type { DeliveryRow, LoggedDelivery } from './row.js';

const DELIVERY_COLUMNS = `d.id, d.webhook_id, d.event_id, e.external_id, d.event_type, d.status, d.attempts, d.attempt_limit,
  d.next_attempt_at, d.last_status_code, d.last_error, d.last_duration_ms, d.last_attempt_at, d.created_at, d.completed_at, e.is_test`;

/** Up to `fetch` deliveries of a webhook newest first, after the cursor when one is given. */
export async function listDeliveryRows(
  db: Queryable,
  webhookId: string,
  status: string | null,
  c: { at: string; id: string } | undefined,
  fetch: number,
): Promise<Array<LoggedDelivery & { cursor_at: string }>> {
  const { rows } = await db.query<LoggedDelivery & { cursor_at: string }>(
    `select ${DELIVERY_COLUMNS}, ${cursorAt('d.created_at')} as cursor_at from deliveries d join events e on e.id = d.event_id
     where d.webhook_id = $1 and ($2::text is null or d.status = $2)
       and ($3::timestamptz is null or (d.created_at, d.id) < ($3, $4::uuid))
     order by d.created_at desc, d.id desc limit $5`,
    [webhookId, status, c?.at ?? null, c?.id ?? null, fetch],
  );
  return rows;
}

export async function getDelivery(db: Queryable, workspaceId: string, id: string): Promise<(LoggedDelivery & Pick<EventRow, 'payload'>) | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<LoggedDelivery & Pick<EventRow, 'payload'>>(
    `select ${DELIVERY_COLUMNS}, e.payload from deliveries d join events e on e.id = d.event_id
     join webhooks w on w.id = d.webhook_id
     where d.id = $1 and d.workspace_id = $2`,
    [id, workspaceId],
  );
  return rows[0];
}

/** An event's deliveries, oldest first, as the API shows them. */
export async function eventDeliveries(db: Queryable, eventId: string) {
  const { rows } = await db.query<Pick<DeliveryRow, 'id' | 'status' | 'attempts'> & { webhookId: string; lastStatusCode: number | null }>(
    `select id, webhook_id as "webhookId", status, attempts, last_status_code as "lastStatusCode"
     from deliveries where event_id = $1 order by created_at, id`,
    [eventId],
  );
  return rows;
}

export type AttemptedDelivery = Pick<DeliveryRow, 'id' | 'event_type' | 'status' | 'attempts' | 'last_status_code' | 'last_error' | 'last_attempt_at'> &
  Pick<EventRow, 'is_test'>;

// Both health reads walk deliveries_webhook_log_idx (webhook_id, created_at desc, id desc) from
// the newest row and stop early.

/** The newest delivery of a webhook with at least one attempt, Send Test included. */
export async function lastAttemptedDelivery(db: Queryable, webhookId: string): Promise<AttemptedDelivery | undefined> {
  const { rows } = await db.query<AttemptedDelivery>(
    `select d.id, d.event_type, d.status, e.is_test, d.attempts, d.last_status_code, d.last_error, d.last_attempt_at
     from deliveries d join events e on e.id = d.event_id
     where d.webhook_id = $1 and d.attempts > 0
     order by d.created_at desc, d.id desc limit 1`,
    [webhookId],
  );
  return rows[0];
}

/** Of the newest `limit` deliveries created in the last `hours` (Send Test excluded), how many are in each status. */
export async function recentStatusCounts(db: Queryable, webhookId: string, hours: number, limit: number) {
  const { rows } = await db.query<{ succeeded: number; failed: number; pending: number; total: number }>(
    `select count(*) filter (where s.status = 'succeeded')::int as succeeded,
       count(*) filter (where s.status = 'failed')::int as failed,
       count(*) filter (where s.status = 'pending')::int as pending,
       count(*)::int as total
     from (select d.status from deliveries d join events e on e.id = d.event_id
           where d.webhook_id = $1 and d.created_at > now() - make_interval(hours => $2) and not e.is_test
           order by d.created_at desc, d.id desc limit $3) s`,
    [webhookId, hours, limit],
  );
  return rows[0];
}

/** The newest delivery of each webhook: its status, last answer's code, and when it was last tried (or made). */
export async function newestPerWebhook(db: Queryable, webhookIds: string[]) {
  const { rows } = await db.query<{ webhook_id: string; status: string; code: number | null; at: Date | null }>(
    `select distinct on (webhook_id) webhook_id, status, last_status_code as code, coalesce(last_attempt_at, created_at) as at
     from deliveries where webhook_id = any($1::uuid[])
     order by webhook_id, created_at desc, id desc`,
    [webhookIds],
  );
  return rows;
}

/** Pending deliveries due now and waiting for a retry, and the age of the oldest due one (seconds). */
export async function queueDepth(db: Queryable) {
  const { rows } = await db.query<{ due: number; waiting: number; oldest: number | null }>(
    `select count(*) filter (where next_attempt_at <= now())::int as due,
            count(*) filter (where next_attempt_at > now())::int as waiting,
            extract(epoch from now() - min(next_attempt_at) filter (where next_attempt_at <= now()))::float8 as oldest
     from deliveries where status = 'pending'`,
  );
  return rows[0];
}
