// Ingest: validate, then one statement writes the event and one delivery per matching webhook.
// A single statement is its own transaction, so the API answers 202 only after both are
// committed, and a repeated id finds the first event instead of creating anything.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { Queryable } from '../db/database.js';
import { ApiError } from '../errors.js';
import { parseInput } from '../util/validate.js';
import { EVENT_SCHEMAS, eventTypeSchema } from './schemas.js';
import type { EventType } from '../../transformers/types.js';

export interface IngestResult {
  /** 202 when created, 200 when the id was seen before. */
  status: 202 | 200;
  body: { id: string; deliveries: number; duplicate?: true };
}

export interface PreparedEvent {
  id: string;
  type: EventType;
  payload: string;
  chatflowId: string | null;
  agentId: string | null;
  datasetId: string | null;
  isTest: boolean;
}

/** Validates an event body and builds the JSON exactly as it will be delivered. */
export function prepareEvent(raw: unknown, workspaceName: string, idempotencyKey?: string, isTest = false): PreparedEvent {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ApiError('validation_error', '(body): expected a JSON object', '(body)');
  }
  const { event } = parseInput(eventTypeSchema, { event: (raw as { event?: unknown }).event });
  const parsed = parseInput(EVENT_SCHEMAS[event], raw) as Record<string, unknown>;
  if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
    throw new ApiError('validation_error', 'Idempotency-Key: 1 to 200 characters', 'Idempotency-Key');
  }
  const id = (parsed.id as string | undefined) ?? idempotencyKey ?? randomUUID();
  const body = {
    ...(raw as Record<string, unknown>),
    id,
    timestamp: parsed.timestamp ?? new Date().toISOString(),
    workspace: workspaceName,
    ...(isTest ? { test: true } : {}),
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: idempotencyKey ?? id,
    type: event,
    payload: JSON.stringify(body),
    chatflowId: str(parsed.chatflowId),
    agentId: str(parsed.agentId),
    datasetId: str(parsed.datasetId),
    isTest,
  };
}

// Filters: an empty or absent list matches everything; a non-empty one must contain the
// event's id of that kind (an event without that id does not match).
const INGEST_SQL = `
with targets as (
  select w.id, coalesce(w.max_attempts, $10) as attempt_limit from webhooks w
  where w.workspace_id = $1 and w.enabled and w.deleted_at is null
    and ($3 = any(w.events) or '*' = any(w.events))
    and (coalesce(jsonb_array_length(w.filters->'chatflowIds'), 0) = 0 or w.filters->'chatflowIds' ? $6)
    and (coalesce(jsonb_array_length(w.filters->'agentIds'), 0) = 0 or w.filters->'agentIds' ? $7)
    and (coalesce(jsonb_array_length(w.filters->'datasetIds'), 0) = 0 or w.filters->'datasetIds' ? $8)
    and ($9::uuid is null or w.id = $9::uuid)
),
ev as (
  insert into events (workspace_id, external_id, event_type, payload, is_test, deliveries_count)
  select $1, $2, $3, $4, $5, (select count(*) from targets)
  on conflict (workspace_id, external_id) do nothing
  returning id, deliveries_count
),
d as (
  insert into deliveries (workspace_id, webhook_id, event_id, event_type, attempt_limit)
  select $1, t.id, ev.id, $3, t.attempt_limit from ev, targets t
  returning id
)
select ev.id, ev.deliveries_count::int as deliveries, (select array_agg(id) from d) as delivery_ids,
  -- Workers in other processes listen (PostgreSQL only); sent at commit, not before.
  case when $11 and ev.deliveries_count > 0 then pg_notify('forjinn_deliveries', '') end as notified
from ev`;

export interface Inserted {
  eventId: string;
  deliveries: number;
  deliveryIds: string[];
}

/** Writes the event and its deliveries; undefined when the id already exists. */
export async function insertEvent(
  db: Queryable,
  workspaceId: string,
  ev: PreparedEvent,
  defaultAttempts: number,
  notify: boolean,
  onlyWebhookId?: string,
): Promise<Inserted | undefined> {
  const { rows } = await db.query<{ id: string; deliveries: number; delivery_ids: string[] | null }>({
    name: onlyWebhookId ? undefined : 'ingest-event',
    text: INGEST_SQL,
    values: [workspaceId, ev.id, ev.type, ev.payload, ev.isTest, ev.chatflowId, ev.agentId, ev.datasetId, onlyWebhookId ?? null, defaultAttempts, notify],
  });
  if (!rows[0]) return undefined;
  return { eventId: rows[0].id, deliveries: rows[0].deliveries, deliveryIds: rows[0].delivery_ids ?? [] };
}

export async function ingestEvent(
  ctx: AppContext,
  workspace: { id: string; name: string },
  raw: unknown,
  idempotencyKey?: string,
): Promise<IngestResult> {
  const ev = prepareEvent(raw, workspace.name, idempotencyKey);
  const inserted = await insertEvent(ctx.db.pool, workspace.id, ev, ctx.config.FORJINN_RETRY_DELAYS.length + 1, ctx.db.kind === 'postgres');
  if (inserted) {
    if (inserted.deliveries > 0) ctx.wake();
    return { status: 202, body: { id: ev.id, deliveries: inserted.deliveries } };
  }
  const { rows } = await ctx.db.pool.query<{ deliveries: number }>(
    'select deliveries_count as deliveries from events where workspace_id = $1 and external_id = $2',
    [workspace.id, ev.id],
  );
  return { status: 200, body: { id: ev.id, deliveries: rows[0]?.deliveries ?? 0, duplicate: true } };
}
