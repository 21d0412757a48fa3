// Ingest: validate, then one statement writes the event and one delivery per matching webhook.
// A single statement is its own transaction, so the API answers 202 only after both are
// committed, and a repeated id finds the first event instead of creating anything.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../core/context.js';
import { ApiError } from '../../core/errors.js';
import { parseInput } from '../../core/validate.js';
import { EVENT_SCHEMAS, eventTypeSchema } from './schemas.js';
import { batcherFor } from './batcher.js';
import type { EventType } from '../transformers/types.js';
import { leaseParams, type Dispatch, type HandedDelivery } from '../delivery/handoff.js';

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
// With a worker in this process, new deliveries are leased to it in the same statement, up to
// its room ($10 rows in all, per webhook the caps $13/$14 or $15); the rest wait for a claim,
// and only those need the NOTIFY.
const INGEST_SQL = `
with given as (
  select * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
    with ordinality as i(external_id, event_type, payload, chatflow_id, agent_id, dataset_id, ord)
),
-- The same id twice in one batch: the first one counts, the rest are duplicates.
input as (select distinct on (external_id) * from given order by external_id, ord),
matches as (
  select i.external_id, i.ord, w.id as webhook_id, coalesce(w.max_attempts, $8) as attempt_limit
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
fits as (
  select ev.id as event_id, ev.event_type, m.webhook_id, m.attempt_limit,
    row_number() over (partition by m.webhook_id order by m.ord) <= coalesce(cap.n, $15) as fits
  from ev join matches m on m.external_id = ev.external_id
    left join unnest($13::uuid[], $14::int[]) as cap(webhook_id, n) on cap.webhook_id = m.webhook_id
),
picked as (select *, fits and row_number() over (partition by fits order by event_id) <= $10 as leased from fits),
d as (
  insert into deliveries (workspace_id, webhook_id, event_id, event_type, attempt_limit, locked_until, locked_by)
  select $1, webhook_id, event_id, event_type, attempt_limit,
    case when leased then now() + make_interval(secs => $11::float8 / 1000) end, case when leased then $12 end
  from picked
  returning id, event_id, webhook_id, attempt_limit, locked_by is not null as leased
),
handed as (
  select d.event_id, array_agg(d.id) as ids, array_agg(d.webhook_id) as hooks, array_agg(d.attempt_limit) as limits,
    array_agg(w.updated_at) as versions
  from d join webhooks w on w.id = d.webhook_id where d.leased group by d.event_id
)
select ev.external_id, ev.deliveries_count::int as deliveries, h.ids, h.hooks, h.limits, h.versions,
  -- Workers in other processes listen (PostgreSQL only); sent at commit, not before.
  case when $9 and ev.deliveries_count > coalesce(cardinality(h.ids), 0) then pg_notify('forjinn_deliveries', '') end as notified
from ev left join handed h on h.event_id = ev.id`;

interface IngestRow {
  external_id: string;
  deliveries: number;
  ids: string[] | null;
  hooks: string[] | null;
  limits: number[] | null;
  versions: Date[] | null;
}

/** The deliveries leased to the local worker, with their events' payloads (already in memory). */
function handedRows(rows: IngestRow[], events: PreparedEvent[]): HandedDelivery[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  const out: HandedDelivery[] = [];
  for (const r of rows) {
    if (!r.ids) continue;
    const ev = byId.get(r.external_id)!;
    r.ids.forEach((id, i) => out.push({ id, webhook_id: r.hooks![i], attempt_limit: r.limits![i], event_type: ev.type, payload: ev.payload, webhook_updated_at: r.versions![i] }));
  }
  return out;
}

export interface EventOutcome {
  id: string;
  deliveries: number;
  /** The id was seen before (or earlier in the same batch): nothing new was stored. */
  duplicate: boolean;
  /** Deliveries leased to this process's worker (the rest wait for a claim). */
  handed: number;
}

/** Writes events and their deliveries in one statement; one outcome per event, in order. */
export async function insertEvents(
  ctx: Pick<AppContext, 'db' | 'config'>,
  { local }: Pick<Dispatch, 'local'>,
  workspaceId: string,
  events: PreparedEvent[],
): Promise<EventOutcome[]> {
  const db = ctx.db.pool;
  // Attempts for webhooks without maxAttempts: the first one plus one per retry delay.
  const defaultAttempts = ctx.config.FORJINN_RETRY_DELAYS.length + 1;
  const notify = ctx.db.kind === 'postgres';
  const col = <T>(f: (e: PreparedEvent) => T) => events.map(f);
  const plan = local?.plan(events.length) ?? null;
  let rows: IngestRow[];
  try {
    ({ rows } = await db.query<IngestRow>({
      name: 'ingest-events',
      text: INGEST_SQL,
      values: [workspaceId, col((e) => e.id), col((e) => e.type), col((e) => e.payload), col((e) => e.chatflowId), col((e) => e.agentId), col((e) => e.datasetId), defaultAttempts, notify, ...leaseParams(plan)],
    }));
  } finally {
    if (plan) local!.release(plan);
  }
  if (plan) local!.adopt(handedRows(rows, events));
  const created = new Map(rows.map((r) => [r.external_id, r.deliveries]));
  const handed = new Map(rows.map((r) => [r.external_id, r.ids?.length ?? 0]));
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
    return {
      id: e.id,
      deliveries: first ? created.get(e.id)! : (existing.get(e.id) ?? created.get(e.id) ?? 0),
      duplicate: !first,
      handed: first ? handed.get(e.id)! : 0,
    };
  });
}

export async function ingestEvent(
  ctx: AppContext,
  dispatch: Dispatch,
  workspace: { id: string; name: string },
  raw: unknown,
  idempotencyKey?: string,
): Promise<IngestResult> {
  const ev = prepareEvent(raw, workspace.name, idempotencyKey);
  const out = await batcherFor(ctx, dispatch).add(workspace.id, ev);
  if (out.duplicate) return { status: 200, body: { id: out.id, deliveries: out.deliveries, duplicate: true } };
  if (out.deliveries > out.handed) dispatch.wake();
  return { status: 202, body: { id: out.id, deliveries: out.deliveries } };
}
