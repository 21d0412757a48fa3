// The events table: one row per event id of a workspace, the JSON exactly as delivered, found by
// its id through event_keys (the idempotency key, unpartitioned: events is partitioned). Events
// of POST /v1/events are written with their deliveries by one statement (deliveries/status.ts:
// it leases them too); this module has Send Test's insert and every read.
import type { Queryable } from './database.js';
import { cursorAt } from './cursor.js';
import type { EventTrace } from '../core/trace.js';

export interface EventRow {
  id: string;
  workspace_id: string;
  /** The producer's id (or the Idempotency-Key): one row per id and workspace. */
  external_id: string;
  event_type: string;
  /** The JSON exactly as delivered (producer's key order kept, workspace filled in). */
  payload: string;
  is_test: boolean;
  /** The platform's W3C traceparent (version 00) and tracestate, null without a valid one (core/trace.ts). */
  trace_parent: string | null;
  trace_state: string | null;
  deliveries_count: number;
  created_at: Date;
  /** Where the row lives (its partition, store/retention.ts); created_at is what the API shows. */
  part_at: Date;
}

/** An event as the ingest statement writes it: the columns it fills and the ids the filters match. */
export interface NewEvent {
  id: string;
  type: string;
  payload: string;
  chatflowId: string | null;
  agentId: string | null;
  datasetId: string | null;
  /** The platform's trace (a valid traceparent on the request), or null. */
  trace: EventTrace | null;
}

/** Send Test's event: flagged a test, with the one delivery the caller inserts beside it. */
export async function insertTestEvent(db: Queryable, workspaceId: string, externalId: string, eventType: string, payload: string): Promise<string> {
  const { rows: evRows } = await db.query<{ id: string }>(
    `with k as (
       insert into event_keys (workspace_id, external_id, event_id, part_at) values ($1, $2, gen_random_uuid(), now()) returning event_id
     )
     insert into events (id, workspace_id, external_id, event_type, payload, is_test, deliveries_count)
     select k.event_id, $1, $2, $3, $4, true, 1 from k returning id`,
    [workspaceId, externalId, eventType, payload],
  );
  return evRows[0].id;
}

/** How many deliveries events seen before were given (a repeated id answers with them). */
export async function deliveryCounts(db: Queryable, workspaceId: string, externalIds: string[]) {
  const { rows } = await db.query<{ external_id: string; deliveries: number }>(
    `select k.external_id, e.deliveries_count as deliveries from event_keys k join events e on e.id = k.event_id and e.part_at = k.part_at
     where k.workspace_id = $1 and k.external_id = any($2::text[])`,
    [workspaceId, externalIds],
  );
  return rows;
}

export async function getEventRow(db: Queryable, workspaceId: string, id: string): Promise<EventRow | undefined> {
  const { rows } = await db.query<EventRow>(
    `select e.* from event_keys k join events e on e.id = k.event_id and e.part_at = k.part_at
     where k.workspace_id = $1 and k.external_id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

export type ListedEvent = Omit<EventRow, 'workspace_id' | 'payload' | 'part_at'> & { succeeded: number; failed: number; pending: number; cursor_at: string };

/** Up to `fetch` events newest first, after the cursor when one is given, with their deliveries by status. */
export async function listEventRows(db: Queryable, workspaceId: string, c: { at: string; id: string } | undefined, fetch: number): Promise<ListedEvent[]> {
  const { rows } = await db.query<ListedEvent>(
    `select e.id, e.external_id, e.event_type, e.is_test, e.deliveries_count, e.created_at, ${cursorAt('e.created_at')} as cursor_at,
       (select count(*)::int from deliveries d where d.event_id = e.id and d.status = 'succeeded') as succeeded,
       (select count(*)::int from deliveries d where d.event_id = e.id and d.status = 'failed') as failed,
       (select count(*)::int from deliveries d where d.event_id = e.id and d.status = 'pending') as pending
     from events e where e.workspace_id = $1 and ($2::timestamptz is null or (e.created_at, e.id) < ($2, $3::uuid))
     order by e.created_at desc, e.id desc limit $4`,
    [workspaceId, c?.at ?? null, c?.id ?? null, fetch],
  );
  return rows;
}

/** The events table, not just `select 1`: a lock on it (or a stall) stops ingest too. */
export function probeEvents(db: Queryable): Promise<unknown> {
  return db.query('select 1 from events limit 0');
}
