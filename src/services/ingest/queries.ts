// Events as the API shows them: the payload as delivered and what became of its deliveries.
import type { Queryable } from '../../store/database.js';
import { decodeCursor, encodeCursor } from '../../store/cursor.js';
import { getEventRow, listEventRows } from '../../store/events.js';
import { eventDeliveries } from '../../store/deliveries/index.js';

export async function getEvent(db: Queryable, workspaceId: string, id: string) {
  const ev = await getEventRow(db, workspaceId, id);
  if (!ev) return undefined;
  const deliveries = await eventDeliveries(db, ev.id);
  return { id: ev.external_id, type: ev.event_type, test: ev.is_test, createdAt: ev.created_at.toISOString(), payload: JSON.parse(ev.payload), deliveries };
}

export async function listEvents(db: Queryable, workspaceId: string, limit: number, cursor?: unknown) {
  const c = cursor ? decodeCursor(cursor) : undefined;
  const rows = await listEventRows(db, workspaceId, c, limit + 1);
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
