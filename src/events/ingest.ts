// Ingest: validate, then one statement writes the event and one delivery per matching webhook.
// A single statement is its own transaction, so the API answers 202 only after both are
// committed, and a repeated id finds the first event instead of creating anything.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { parseInput } from '../util/validate.js';
import { EVENT_SCHEMAS, eventTypeSchema } from './schemas.js';
import { batcherFor } from './batcher.js';
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
// event's id of that kind (an event without that id does not match). One statement for a whole
// batch: it is its own transaction, so every event in it and all its deliveries commit together.
const INGEST_SQL = `
with given as (
  select * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
    with ordinality as i(external_id, event_type, payload, chatflow_id, agent_id, dataset_id, ord)
),
-- The same id twice in one batch: the first one counts, the rest are duplicates.
input as (select distinct on (external_id) * from given order by external_id, ord),
matches as (
  select i.external_id, w.id as webhook_id, coalesce(w.max_attempts, $8) as attempt_limit
  from input i join webhooks w on w.workspace_id = $1 and w.enabled and w.deleted_at is null
    and (i.event_type = any(w.events) or '*' = any(w.events))
    and (coalesce(jsonb_array_length(w.filters->'chatflowIds'), 0) = 0 or w.filters->'chatflowIds' ? i.chatflow_id)
    and (coalesce(jsonb_array_length(w.filters->'agentIds'), 0) = 0 or w.filters->'agentIds' ? i.agent_id)
    and (coalesce(jsonb_array_length(w.filters->'datasetIds'), 0) = 0 or w.filters->'datasetIds' ? i.dataset_id)
),
ev as (
  insert into events (workspace_id, external_id, event_type, payload, deliveries_count)
  select $1, i.external_id, i.event_type, i.payload, (select count(*) from matches m where m.external_id = i.external_id)
  from input i
  on conflict (workspace_id, external_id) do nothing
  returning id, external_id, event_type, deliveries_count
),
d as (
  insert into deliveries (workspace_id, webhook_id, event_id, event_type, attempt_limit)
  select $1, m.webhook_id, ev.id, ev.event_type, m.attempt_limit from ev join matches m on m.external_id = ev.external_id
  returning 1
)
select ev.external_id, ev.deliveries_count::int as deliveries,
  -- Workers in other processes listen (PostgreSQL only); sent at commit, not before.
  case when $9 and ev.deliveries_count > 0 then pg_notify('forjinn_deliveries', '') end as notified
from ev`;

export interface EventOutcome {
  id: string;
  deliveries: number;
  /** The id was seen before (or earlier in the same batch): nothing new was stored. */
  duplicate: boolean;
}

/** Writes events and their deliveries in one statement; one outcome per event, in order. */
export async function insertEvents(ctx: Pick<AppContext, 'db' | 'config'>, workspaceId: string, events: PreparedEvent[]): Promise<EventOutcome[]> {
  const db = ctx.db.pool;
  // Attempts for webhooks without maxAttempts: the first one plus one per retry delay.
  const defaultAttempts = ctx.config.FORJINN_RETRY_DELAYS.length + 1;
  const notify = ctx.db.kind === 'postgres';
  const col = <T>(f: (e: PreparedEvent) => T) => events.map(f);
  const { rows } = await db.query<{ external_id: string; deliveries: number }>({
    name: 'ingest-events',
    text: INGEST_SQL,
    values: [workspaceId, col((e) => e.id), col((e) => e.type), col((e) => e.payload), col((e) => e.chatflowId), col((e) => e.agentId), col((e) => e.datasetId), defaultAttempts, notify],
  });
  const created = new Map(rows.map((r) => [r.external_id, r.deliveries]));
  const missing = events.filter((e) => !created.has(e.id)).map((e) => e.id);
  const existing = new Map<string, number>();
  if (missing.length) {
    const { rows: old } = await db.query<{ external_id: string; deliveries: number }>(
      'select external_id, deliveries_count as deliveries from events where workspace_id = $1 and external_id = any($2::text[])',
      [workspaceId, missing],
    );
    for (const r of old) existing.set(r.external_id, r.deliveries);
  }
  const seen = new Set<string>();
  return events.map((e) => {
    const first = created.has(e.id) && !seen.has(e.id);
    seen.add(e.id);
    return { id: e.id, deliveries: first ? created.get(e.id)! : (existing.get(e.id) ?? created.get(e.id) ?? 0), duplicate: !first };
  });
}

export async function ingestEvent(
  ctx: AppContext,
  workspace: { id: string; name: string },
  raw: unknown,
  idempotencyKey?: string,
): Promise<IngestResult> {
  const ev = prepareEvent(raw, workspace.name, idempotencyKey);
  const out = await batcherFor(ctx).add(workspace.id, ev);
  if (out.duplicate) return { status: 200, body: { id: out.id, deliveries: out.deliveries, duplicate: true } };
  if (out.deliveries > 0) ctx.wake();
  return { status: 202, body: { id: out.id, deliveries: out.deliveries } };
}
