// The request log: deliveries newest first with cursor pagination, one delivery with every
// attempt, and the events of a workspace.
import type { Queryable } from '../../store/database.js';
import { ApiError, invalid } from '../../core/errors.js';
import { isUuid } from '../../store/webhooks.js';
import { storableTime } from '../../core/validate.js';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  external_id: string;
  event_type: string;
  status: string;
  attempts: number;
  attempt_limit: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  last_attempt_at: Date | null;
  created_at: Date;
  completed_at: Date | null;
  is_test: boolean;
}

export function deliveryView(r: DeliveryRow) {
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

const DELIVERY_COLUMNS = `d.id, d.webhook_id, d.event_id, e.external_id, d.event_type, d.status, d.attempts, d.attempt_limit,
  d.next_attempt_at, d.last_status_code, d.last_error, d.last_duration_ms, d.last_attempt_at, d.created_at, d.completed_at, e.is_test`;

// A cursor's time keeps PostgreSQL's microseconds: the rows of one batch (and their deliveries)
// share one created_at, and a cursor cut to JavaScript's milliseconds sorted after all of them,
// so the page after the first of a batch came back empty.
const CURSOR_AT = `to_char(%s at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
export const cursorAt = (column: string) => CURSOR_AT.replace('%s', column);
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.(\d{3}|\d{6})Z$/;

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

/** A cursor as encodeCursor made it; anything else (a forged time past PostgreSQL's range) is a 400. */
export function decodeCursor(cursor: unknown): { at: string; id: string } {
  const [at = '', id, ...rest] = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8').split('|') : [];
  const date = CURSOR_TIME.test(at) ? storableTime(at) : undefined;
  // The round trip refuses what Date quietly moves (February 30th is March 2nd to it).
  if (rest.length || !id || !isUuid(id) || !date || date.toISOString().slice(0, 23) !== at.slice(0, 23)) {
    throw invalid('cursor', 'is not a cursor this API returned');
  }
  return { at, id };
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
  const { rows } = await db.query<DeliveryRow & { cursor_at: string }>(
    `select ${DELIVERY_COLUMNS}, ${cursorAt('d.created_at')} as cursor_at from deliveries d join events e on e.id = d.event_id
     where d.webhook_id = $1 and ($2::text is null or d.status = $2)
       and ($3::timestamptz is null or (d.created_at, d.id) < ($3, $4::uuid))
     order by d.created_at desc, d.id desc limit $5`,
    [webhookId, q.status ?? null, c?.at ?? null, c?.id ?? null, q.limit + 1],
  );
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { data: page.map(deliveryView), nextCursor: more && last ? encodeCursor(last.cursor_at, last.id) : null };
}

export async function getDelivery(db: Queryable, workspaceId: string, id: string) {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<DeliveryRow & { payload: string }>(
    `select ${DELIVERY_COLUMNS}, e.payload from deliveries d join events e on e.id = d.event_id
     join webhooks w on w.id = d.webhook_id
     where d.id = $1 and d.workspace_id = $2`,
    [id, workspaceId],
  );
  return rows[0];
}

export async function getAttempts(db: Queryable, deliveryId: string) {
  const { rows } = await db.query(
    // Bodies are stored cut past 64 KiB (request) and 16 KiB (answer); the flags say when.
    `select attempt, trigger, outcome, request_url as "url", request_headers as "requestHeaders", request_body as "requestBody",
       request_body_truncated as "requestBodyTruncated",
       response_status as "responseStatus", response_headers as "responseHeaders", response_body as "responseBody",
       response_body_truncated as "responseBodyTruncated",
       duration_ms as "durationMs", error, created_at as "createdAt"
     from attempts where delivery_id = $1 order by attempt, id`,
    [deliveryId],
  );
  return rows;
}

export async function getDeliveryWithAttempts(db: Queryable, workspaceId: string, id: string) {
  const row = await getDelivery(db, workspaceId, id);
  if (!row) throw new ApiError('not_found', 'delivery not found');
  return { ...deliveryView(row), event: JSON.parse(row.payload), attempts: await getAttempts(db, id) };
}
