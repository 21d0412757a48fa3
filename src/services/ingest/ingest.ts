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
import type { Dispatch } from '../delivery/handoff.js';
import { insertEventsWithDeliveries, type HandedDelivery, type IngestRow } from '../../store/deliveries/index.js';
import { deliveryCounts } from '../../store/events.js';

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
  const plan = local?.plan(events.length) ?? null;
  let rows: IngestRow[];
  try {
    // One statement for the whole batch (store/deliveries/status.ts), leasing to the local worker what it has room for.
    rows = await insertEventsWithDeliveries(db, workspaceId, events, defaultAttempts, notify, plan);
  } finally {
    if (plan) local!.release(plan);
  }
  if (plan) local!.adopt(handedRows(rows, events));
  const created = new Map(rows.map((r) => [r.external_id, r.deliveries]));
  const handed = new Map(rows.map((r) => [r.external_id, r.ids?.length ?? 0]));
  const missing = events.filter((e) => !created.has(e.id)).map((e) => e.id);
  const existing = new Map<string, number>();
  if (missing.length) {
    for (const r of await deliveryCounts(db, workspaceId, missing)) existing.set(r.external_id, r.deliveries);
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
