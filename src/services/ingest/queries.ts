// Events as the API shows them: the payload as delivered and what became of its deliveries.
import type { Queryable } from '../../store/database.js';
import { cursorAt, decodeCursor, encodeCursor } from '../delivery/log-queries.js';

interface EventRow {
  id: string;
  external_id: string;
  event_type: string;
  payload: string;
  is_test: boolean;
  deliveries_count: number;
  created_at: Date;
}

export async function getEvent(db: Queryable, workspaceId: string, id: string) {
  const { rows } = await db.query<EventRow>(
    'select * from events where workspace_id = $1 and external_id = $2',
    [workspaceId, id],
  );
  const ev = rows[0];
  if (!ev) return undefined;
  const { rows: deliveries } = await db.query(
    `select id, webhook_id as "webhookId", status, attempts, last_status_code as "lastStatusCode"
     from deliveries where event_id = $1 order by created_at, id`,
    [ev.id],
  );
  return { id: ev.external_id, type: ev.event_type, test: ev.is_test, createdAt: ev.created_at.toISOString(), payload: JSON.parse(ev.payload), deliveries };
}

export async function listEvents(db: Queryable, workspaceId: string, limit: number, cursor?: unknown) {
  const c = cursor ? decodeCursor(cursor) : undefined;
  const { rows } = await db.query<EventRow & { succeeded: number; failed: number; pending: number; cursor_at: string }>(
    `select e.id, e.external_id, e.event_type, e.is_test, e.deliveries_count, e.created_at, ${cursorAt('e.created_at')} as cursor_at,
       (select count(*)::int from deliveries d where d.event_id = e.id and d.status = 'succeeded') as succeeded,
       (select count(*)::int from deliveries d where d.event_id = e.id and d.status = 'failed') as failed,
       (select count(*)::int from deliveries d where d.event_id = e.id and d.status = 'pending') as pending
     from events e where e.workspace_id = $1 and ($2::timestamptz is null or (e.created_at, e.id) < ($2, $3::uuid))
     order by e.created_at desc, e.id desc limit $4`,
    [workspaceId, c?.at ?? null, c?.id ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map((e) => ({
      id: e.external_id,
      type: e.event_type,
      test: e.is_test,
      createdAt: e.created_at.toISOString(),
      deliveries: e.deliveries_count,
      succeeded: e.succeeded,
      failed: e.failed,
      pending: e.pending,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_at, last.id) : null,
  };
}
